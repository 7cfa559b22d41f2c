using System.Globalization;
using Microsoft.AspNetCore.Components;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Engine.Training;
using QuantScope.Web.Compare;
using QuantScope.Web.Live;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Components.Pages;

/// <summary>
/// The runs table: live status and progress, search and filters, multi-select to compare, delete with confirmation,
/// and the demo buttons (the demo study, or one demo run). Refreshes from the store at most once a second, and only when some run changed.
/// </summary>
public partial class Home
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly IReadOnlyList<string> Kinds = [RunKinds.Engine, RunKinds.External, RunKinds.Imported];

    private readonly CancellationTokenSource _cts = new();
    private readonly HashSet<Guid> _selected = [];
    private IReadOnlyList<RunOverview>? _runs;
    private IReadOnlyList<RunOverview> _shown = [];
    private string? _search;
    private string? _statusFilter;
    private string? _kindFilter;
    private Guid? _confirmDelete;
    private bool _starting;
    private string? _error;
    private LiveSubscription? _subscription;

    [Inject] private RunRepository Runs { get; set; } = default!;
    [Inject] private RunCoordinator Coordinator { get; set; } = default!;
    [Inject] private RunControl Control { get; set; } = default!;
    [Inject] private QuantScope.Web.Studies.StudyService DemoStudies { get; set; } = default!;
    [Inject] private LiveRunStore Live { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ILogger<Home> Log { get; set; } = default!;

    private string? Search
    {
        get => _search;
        set { _search = value; Apply(); }
    }

    private string? StatusFilter
    {
        get => _statusFilter;
        set { _statusFilter = value; Apply(); }
    }

    private string? KindFilter
    {
        get => _kindFilter;
        set { _kindFilter = value; Apply(); }
    }

    private bool CanCompare => _selected.Count is >= CompareService.MinRuns and <= CompareService.MaxRuns;

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        _subscription = Live.Subscribe(null);
        SetRuns(await Runs.ListAsync(_cts.Token));
        _ = RefreshOnActivityAsync(_cts.Token);
    }

    private void SetRuns(IReadOnlyList<RunEntity> runs)
    {
        _runs = runs.Select(RunOverviews.From).ToList();
        _selected.IntersectWith(_runs.Select(r => r.Id));
        Apply();
    }

    private void Apply() => _shown = _runs is null ? [] : RunOverviews.Filter(_runs, _search, _statusFilter, _kindFilter);

    private void Toggle(Guid id, ChangeEventArgs e)
    {
        if (e.Value is true) _selected.Add(id);
        else _selected.Remove(id);
    }

    private void CompareSelected()
    {
        if (!CanCompare || _runs is null) return;
        // Table order, so the first two (A and B of the difference heatmap) are the first two selected rows shown.
        var ids = _runs.Where(r => _selected.Contains(r.Id)).Select(r => r.Id.ToString());
        Navigation.NavigateTo("/compare?runs=" + string.Join(',', ids));
    }

    private async Task DeleteAsync(Guid id)
    {
        _confirmDelete = null;
        _error = null;
        try
        {
            if (await Control.IsTrainingAsync(id, _cts.Token))
            {
                _error = "That run is still training: cancel it first.";
                return;
            }
            await Runs.DeleteAsync(id, _cts.Token);
            _selected.Remove(id);
            SetRuns(await Runs.ListAsync(_cts.Token));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.LogError(ex, "Deleting run {RunId} failed", id);
            _error = $"The run could not be deleted: {ex.Message}";
        }
    }

    private async Task StartDemoAsync()
    {
        _starting = true;
        _error = null;
        try
        {
            var id = await Coordinator.StartAsync(ConfigValidator.Require(TrainConfig.Demo with { CheckpointEvery = 100 }), _cts.Token); // resumable after a crash (README: Resume)
            Navigation.NavigateTo($"/runs/{id}");
        }
        catch (Exception ex)
        {
            Log.LogError(ex, "Starting the demo run failed");
            _error = $"The demo run could not start: {ex.Message}";
            _starting = false;
        }
    }

    private async Task StartStudyAsync()
    {
        _starting = true;
        _error = null;
        try
        {
            var study = await DemoStudies.StartDemoAsync(_cts.Token);
            Navigation.NavigateTo($"/studies/{study.StudyId}");
        }
        catch (Exception ex)
        {
            Log.LogError(ex, "Starting the demo study failed");
            _error = $"The demo study could not start: {ex.Message}";
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
                    SetRuns(runs);
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

    private static string Duration(RunOverview run)
    {
        if (run.Duration(DateTime.UtcNow) is not { } span) return RunOverviews.Missing;
        return span.TotalHours >= 1 ? span.ToString(@"h\:mm\:ss", Invariant) : span.ToString(@"m\:ss", Invariant);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _cts.Cancel();
        _subscription?.Dispose();
        _cts.Dispose();
    }
}
