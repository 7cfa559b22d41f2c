using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Api;

namespace QuantScope.Web.Compare;

/// <summary>
/// Reads what the compare page and <c>/api/compare/heatmap-diff</c> show: runs by id, their curves on a shared x axis
/// (step or tokens), heatmaps, the A − B difference and the summary lines. Stateless; one per use.
/// </summary>
public sealed class CompareService(RunRepository runs, MetricSeriesRepository series)
{
    /// <summary>Fewest runs a comparison takes.</summary>
    public const int MinRuns = 2;

    /// <summary>Most runs a comparison takes.</summary>
    public const int MaxRuns = 6;

    /// <summary>How many worst layers a summary line names.</summary>
    public const int WorstLayerCount = 3;

    /// <summary>
    /// The ids of a <c>runs=a,b,c</c> query in order, or why it is not a comparison. A repeated id is kept: a run against
    /// itself is a valid check (its difference heatmap is all zeros).
    /// </summary>
    public static (IReadOnlyList<Guid> Ids, string? Error) ParseIds(string? runs)
    {
        var ids = new List<Guid>();
        foreach (var part in (runs ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Guid.TryParse(part, out var id)) return ([], $"'{part}' is not a run id");
            ids.Add(id);
        }
        if (ids.Count is < MinRuns or > MaxRuns) return (ids, $"pick {MinRuns} to {MaxRuns} runs (got {ids.Count})");
        return (ids, null);
    }

    /// <summary>The runs that exist, in the order asked, and the ids that do not.</summary>
    public async Task<(IReadOnlyList<RunEntity> Found, IReadOnlyList<Guid> Missing)> LoadRunsAsync(IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        var found = new List<RunEntity>();
        var missing = new List<Guid>();
        foreach (var id in ids)
        {
            if (await runs.GetAsync(id, ct) is { } run) found.Add(run);
            else missing.Add(id);
        }
        return (found, missing);
    }

    /// <summary>One run's scalar <paramref name="metric"/>, downsampled to about <paramref name="maxPoints"/>, against step or tokens.</summary>
    public async Task<OverlaySeries> SeriesAsync(RunEntity run, string metric, bool byTokens, int maxPoints, CancellationToken ct)
    {
        IReadOnlyList<SeriesPoint> points = await series.ReadScalarAsync(run.Id, metric, ct);
        if (maxPoints >= 2) points = SeriesDownsampler.MinMax(points, maxPoints);
        if (!byTokens) return new OverlaySeries(run.Name, points.Select(p => (double)p.Step).ToList(), points.Select(p => p.Value).ToList());
        var tokens = (await series.ReadScalarAsync(run.Id, MetricCatalog.Tokens, ct)).GroupBy(p => p.Step).ToDictionary(g => g.Key, g => (double)g.Last().Value);
        var kept = points.Where(p => tokens.ContainsKey(p.Step)).ToList();
        return new OverlaySeries(run.Name, kept.Select(p => tokens[p.Step]).ToList(), kept.Select(p => p.Value).ToList());
    }

    /// <summary>True when every run has a <c>tokens</c> series (so tokens can be the shared x axis).</summary>
    public async Task<bool> AllHaveTokensAsync(IReadOnlyList<RunEntity> compared, CancellationToken ct)
    {
        foreach (var run in compared)
        {
            if ((await series.ReadScalarAsync(run.Id, MetricCatalog.Tokens, ct)).Count == 0) return false;
        }
        return compared.Count > 0;
    }

    /// <summary>The per-layer metrics any of <paramref name="compared"/> recorded, each with its role (the union over the runs).</summary>
    public async Task<IReadOnlySet<(string Metric, string Role)>> RecordedLayerMetricsAsync(IReadOnlyList<RunEntity> compared, CancellationToken ct)
    {
        var recorded = new HashSet<(string Metric, string Role)>();
        foreach (var run in compared) recorded.UnionWith(await series.ReadLayerMetricNamesAsync(run.Id, ct));
        return recorded;
    }

    /// <summary>
    /// The heatmap picker's groups (<see cref="Components.Charts.MetricOptions.ForRun"/>) for <paramref name="role"/>: every
    /// metric in <paramref name="recorded"/> with that role, plus <paramref name="selected"/>.
    /// </summary>
    public static IReadOnlyList<Components.Charts.MetricGroup> HeatmapGroups(IReadOnlySet<(string Metric, string Role)> recorded, string role, string selected) =>
        Components.Charts.MetricOptions.ForRun(recorded.Where(r => r.Role == role).Select(r => r.Metric), selected);

    /// <summary>A run's per-layer metric and role as layers × steps.</summary>
    public async Task<HeatmapDto> HeatmapAsync(RunEntity run, string metric, string role, CancellationToken ct) =>
        HeatmapMath.FromStored(run.GetLayers(), await series.ReadHeatmapAsync(run.Id, metric, role, ct));

    /// <summary>
    /// The heatmaps of <paramref name="compared"/> (at least two runs) pooled to <paramref name="viewSteps"/> steps, on one
    /// colour scale, with the difference of the first two (computed at full resolution, then pooled).
    /// </summary>
    public async Task<CompareHeatmaps> HeatmapsAsync(IReadOnlyList<RunEntity> compared, string metric, string role, int viewSteps, CancellationToken ct)
    {
        var full = new List<HeatmapDto>();
        foreach (var run in compared) full.Add(await HeatmapAsync(run, metric, role, ct));
        var pooled = full.Select(h => HeatmapMath.Downsample(h, viewSteps)).ToList();
        var difference = HeatmapMath.Downsample(HeatmapMath.Difference(full[0], full[1]), viewSteps);
        return new CompareHeatmaps(pooled, HeatmapMath.SharedRange(pooled), difference, Math.Max(HeatmapMath.MaxAbs(difference), 1e-12));
    }

    /// <summary>A − B of one metric and role, or the field at fault (<c>a</c>, <c>b</c>, <c>metric</c>, <c>role</c>) and why.</summary>
    public async Task<(HeatmapDto? Diff, string? Field, string? Error)> DifferenceAsync(Guid a, Guid b, string? metric, string? role, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(metric) || MetricCatalog.IsScalar(metric))
            return (null, "metric", "is required and must be a per-layer metric (e.g. overflowFraction)");
        role ??= TensorRoles.Input;
        if (!TensorRoles.IsKnown(role)) return (null, "role", "must be input, weight or grad");
        if (await runs.GetAsync(a, ct) is not { } runA) return (null, "a", $"no run has id {a}");
        if (await runs.GetAsync(b, ct) is not { } runB) return (null, "b", $"no run has id {b}");
        var diff = HeatmapMath.Difference(await HeatmapAsync(runA, metric, role, ct), await HeatmapAsync(runB, metric, role, ct));
        return (diff, null, null);
    }

    /// <summary>A run's summary line: from its stored summary, with overflow and worst layers from its input overflow heatmap.</summary>
    public async Task<CompareSummaryRow> SummaryAsync(RunEntity run, CancellationToken ct)
    {
        var summary = RunOverviews.ReadSummary(run.SummaryJson);
        var overflow = await HeatmapAsync(run, MetricCatalog.OverflowFraction, TensorRoles.Input, ct);
        return Summaries.Row(run.Id, run.Name, summary, overflow, WorstLayerCount);
    }
}
