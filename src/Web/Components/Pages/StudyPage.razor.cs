using System.Globalization;
using Microsoft.AspNetCore.Components;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Components.Charts;
using QuantScope.Web.Live;
using QuantScope.Web.Studies;

namespace QuantScope.Web.Components.Pages;

/// <summary>
/// One study: its targets, the live loss APE of every run against its twin, and per run its status, progress, loss
/// against its twin and, once it ended, its results and diagnosis. The circuit's <see cref="StudyViewState"/> keeps the
/// figures; the page renders them and appends each update's new points to the charts.
/// </summary>
public partial class StudyPage
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly IReadOnlyList<string> LossTraces = ["loss", "BF16 twin loss"];

    // The store may lag the live end by a moment (the end is queued behind the run's points): a few reads apart.
    private static readonly TimeSpan RefreshRetryDelay = TimeSpan.FromMilliseconds(500);
    private const int RefreshAttempts = 20;

    private readonly CancellationTokenSource _cts = new();
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private LiveLineChart?[] _loss = [];
    private LiveLineChart? _ape;
    private bool _loaded;
    private bool _consuming;
    private string? _error;

    /// <summary>The study's id, from the address.</summary>
    [Parameter] public Guid Id { get; set; }

    [Inject] private StudyViewState State { get; set; } = default!;
    [Inject] private StudyService Studies { get; set; } = default!;
    [Inject] private ILogger<StudyPage> Log { get; set; } = default!;

    private string CompareUrl => "/compare?runs=" + string.Join(',', State.Arms.Select(a => a.Run.RunId));

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        await State.OpenAsync(Id, _cts.Token);
        _loss = new LiveLineChart?[State.Arms.Count];
        _loaded = true;
        if (State.Arms.Any(a => a.Status.HasEnded() && !State.Findings.ContainsKey(a.Run.RunId))) _ = RefreshAsync();
    }

    /// <inheritdoc />
    protected override void OnAfterRender(bool firstRender)
    {
        if (!_loaded || State.Study is null || _consuming) return;
        _consuming = true; // live pushes start after the charts rendered once
        _ = ConsumeAsync(_cts.Token);
    }

    private async Task ConsumeAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var (arm, update) in State.UpdatesAsync(ct))
            {
                await InvokeAsync(() => ApplyAsync(arm, update));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            Log.LogWarning(ex, "Live updates of study {StudyId} stopped", Id);
        }
    }

    private async Task ApplyAsync(int arm, RunFeedUpdate update)
    {
        var delta = State.Apply(arm, update);
        StateHasChanged();
        if (delta.Ended) _ = RefreshAsync();
        var pushes = new List<Task>();
        if (arm < _loss.Length && _loss[arm] is { } loss) pushes.Add(loss.AppendAsync([(0, delta.Loss[0]), (1, delta.Loss[1])]));
        if (_ape is not null) pushes.Add(_ape.AppendAsync(arm, delta.Ape));
        await Task.WhenAll(pushes);
    }

    // Results, targets and diagnosis of the runs that ended: read until the store has caught up with the live ends.
    // One refresh at a time, on the circuit's dispatcher (the state is the page's); a later end waits its turn.
    private async Task RefreshAsync()
    {
        try
        {
            await _refresh.WaitAsync(_cts.Token);
            try
            {
                for (var attempt = 0; attempt < RefreshAttempts; attempt++)
                {
                    await InvokeAsync(async () =>
                    {
                        await State.RefreshAsync(_cts.Token);
                        StateHasChanged();
                    });
                    if (!State.StoreBehind) return;
                    await Task.Delay(RefreshRetryDelay, _cts.Token);
                }
            }
            finally
            {
                _refresh.Release();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
        }
        catch (Exception ex)
        {
            Log.LogWarning(ex, "Reading the results of study {StudyId} failed", Id);
        }
    }

    private async Task CancelAsync()
    {
        try
        {
            _error = await Studies.CancelAsync(Id, _cts.Token) is null ? "The study no longer exists." : null;
        }
        catch (IOException ex)
        {
            _error = ex.Message;
        }
    }

    private static string Pct(double? percent) => StudyFormat.Percent(percent);

    private static string MetClass(StudyTargetDto t) => t.Met switch { true => "met target-met", false => "met target-missed", null => "met target-open" };

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _cts.Cancel();
        State.Close();
        _cts.Dispose();
        _refresh.Dispose();
        return ValueTask.CompletedTask;
    }
}
