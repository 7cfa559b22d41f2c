using Microsoft.AspNetCore.Components;
using QuantScope.Data;
using QuantScope.Engine.Training;
using QuantScope.Web.Live;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Components.Pages;

/// <summary>The runs table and the demo button; refreshes when any run changes status or advances.</summary>
public partial class Home
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _cts = new();
    private IReadOnlyList<RunEntity>? _runs;
    private bool _starting;
    private string? _error;
    private LiveSubscription? _subscription;

    [Inject] private RunRepository Runs { get; set; } = default!;
    [Inject] private RunCoordinator Coordinator { get; set; } = default!;
    [Inject] private LiveRunStore Live { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ILogger<Home> Log { get; set; } = default!;

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        _subscription = Live.Subscribe(null);
        _runs = await Runs.ListAsync(_cts.Token);
        _ = RefreshOnActivityAsync(_cts.Token);
    }

    private async Task StartDemoAsync()
    {
        _starting = true;
        _error = null;
        try
        {
            var id = await Coordinator.StartAsync(TrainConfig.Demo, _cts.Token);
            Navigation.NavigateTo($"/runs/{id}");
        }
        catch (Exception ex)
        {
            Log.LogError(ex, "Starting the demo run failed");
            _error = $"The demo run could not start: {ex.Message}";
            _starting = false;
        }
    }

    // Throttled: at most one table refresh per interval, and only when something happened.
    private async Task RefreshOnActivityAsync(CancellationToken ct)
    {
        try
        {
            var reader = _subscription!.Reader;
            while (await reader.WaitToReadAsync(ct))
            {
                while (reader.TryRead(out _)) { }
                var runs = await Runs.ListAsync(ct);
                await InvokeAsync(() =>
                {
                    _runs = runs;
                    StateHasChanged();
                });
                await Task.Delay(RefreshInterval, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            Log.LogWarning(ex, "Refreshing the runs table stopped");
        }
    }

    private static string Duration(RunEntity run)
    {
        if (run.StartedAt is not { } started) return "–";
        var span = (run.EndedAt ?? DateTime.UtcNow) - started;
        return span.TotalHours >= 1 ? span.ToString(@"h\:mm\:ss") : span.ToString(@"m\:ss");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _cts.Cancel();
        _subscription?.Dispose();
        _cts.Dispose();
    }
}
