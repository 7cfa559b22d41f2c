using Microsoft.AspNetCore.Components;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Api;
using QuantScope.Web.Components.Charts;
using QuantScope.Web.Compare;

namespace QuantScope.Web.Components.Pages;

/// <summary>
/// 2-6 runs side by side: the config and plan fields that differ, overlaid curves on step or tokens, a summary table,
/// heatmaps on one colour scale (of any per-layer metric some run recorded, picked by group) and the A − B difference.
/// Everything is read through <see cref="CompareService"/>.
/// </summary>
public partial class Compare : IDisposable
{
    /// <summary>Most steps a heatmap shows (the view is pooled; exports keep every step).</summary>
    public const int ViewSteps = 1500;

    /// <summary>Most points per curve.</summary>
    public const int CurvePoints = 4000;

    private readonly CancellationTokenSource _cts = new();
    private CompareService _service = default!;
    private IReadOnlyList<RunEntity> _runs = [];
    private IReadOnlyList<Guid> _missing = [];
    private IReadOnlyList<ConfigDiffRow> _diff = [];
    private IReadOnlyList<CompareSummaryRow> _summary = [];
    private IReadOnlyList<OverlaySeries> _curves = [];
    private IReadOnlyList<HeatmapDto> _heatmaps = [];
    private IReadOnlySet<(string Metric, string Role)> _recorded = new HashSet<(string, string)>();
    private HeatmapDto? _difference;
    private (float Min, float Max)? _range;
    private double _diffAbs;
    private string _scalarMetric = MetricCatalog.Loss;
    private bool _byTokens;
    private bool _tokensAvailable;
    private string _heatMetric = MetricCatalog.OverflowFraction;
    private string _heatRole = TensorRoles.Input;
    private int _curvesKey;
    private int _heatKey;
    private string? _error;
    private string? _loadedQuery;

    /// <summary>The runs to compare: <c>?runs=id1,id2,...</c>.</summary>
    [SupplyParameterFromQuery(Name = "runs")] public string? RunsQuery { get; set; }

    [Inject] private RunRepository Runs { get; set; } = default!;
    [Inject] private MetricSeriesRepository Series { get; set; } = default!;
    [Inject] private ILogger<Compare> Log { get; set; } = default!;

    private string ScalarLabel => MetricOptions.LabelOf(MetricOptions.Scalar, _scalarMetric);

    private string HeatLabel => MetricGrouping.LabelOf(_heatMetric);

    private string ScaleText => _range is { } r ? $"{r.Min:G4} to {r.Max:G4}" : "no values";

    private string DiffApi => $"/api/compare/heatmap-diff?a={_runs[0].Id}&b={_runs[1].Id}&metric={Uri.EscapeDataString(_heatMetric)}&role={_heatRole}";

    private static string Letter(int i) => ((char)('A' + i)).ToString();

    /// <inheritdoc />
    protected override async Task OnParametersSetAsync()
    {
        if (_loadedQuery == RunsQuery && (_runs.Count > 0 || _error is not null)) return;
        _loadedQuery = RunsQuery;
        _service = new CompareService(Runs, Series);
        _error = null;
        var (ids, error) = CompareService.ParseIds(RunsQuery);
        if (error is not null)
        {
            _error = $"Nothing to compare: {error}.";
            return;
        }
        try
        {
            (_runs, _missing) = await _service.LoadRunsAsync(ids, _cts.Token);
            if (_runs.Count < CompareService.MinRuns)
            {
                _error = $"Only {_runs.Count} of the runs exist.";
                _runs = [];
                return;
            }
            _diff = ConfigDiff.Diff(_runs);
            var summary = new List<CompareSummaryRow>();
            foreach (var run in _runs) summary.Add(await _service.SummaryAsync(run, _cts.Token));
            _summary = summary;
            _tokensAvailable = await _service.AllHaveTokensAsync(_runs, _cts.Token);
            _recorded = await _service.RecordedLayerMetricsAsync(_runs, _cts.Token);
            await LoadCurvesAsync();
            await LoadHeatmapsAsync();
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            Log.LogError(ex, "Loading the comparison {Query} failed", RunsQuery);
            _error = $"The comparison could not be loaded: {ex.Message}";
        }
    }

    private async Task LoadCurvesAsync()
    {
        var curves = new List<OverlaySeries>();
        foreach (var run in _runs) curves.Add(await _service.SeriesAsync(run, _scalarMetric, _byTokens && _tokensAvailable, CurvePoints, _cts.Token));
        _curves = curves;
        _curvesKey++;
    }

    private async Task LoadHeatmapsAsync()
    {
        var heatmaps = await _service.HeatmapsAsync(_runs, _heatMetric, _heatRole, ViewSteps, _cts.Token);
        (_heatmaps, _range, _difference, _diffAbs) = (heatmaps.Runs, heatmaps.Range, heatmaps.Difference, heatmaps.DifferenceAbs);
        _heatKey++;
    }

    private async Task OnScalarMetricAsync(ChangeEventArgs e)
    {
        _scalarMetric = e.Value?.ToString() ?? MetricCatalog.Loss;
        await LoadCurvesAsync();
    }

    private async Task OnXAxisAsync(ChangeEventArgs e)
    {
        _byTokens = e.Value?.ToString() == "tokens";
        await LoadCurvesAsync();
    }

    private async Task OnHeatMetricAsync(ChangeEventArgs e)
    {
        _heatMetric = e.Value?.ToString() ?? MetricCatalog.OverflowFraction;
        await LoadHeatmapsAsync();
    }

    private async Task OnHeatRoleAsync(ChangeEventArgs e)
    {
        _heatRole = e.Value?.ToString() ?? TensorRoles.Input;
        await LoadHeatmapsAsync();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }
}
