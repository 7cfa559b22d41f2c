using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Training;

namespace QuantScope.Web.Runs;

/// <summary>
/// Compares one scalar series of two runs over the steps both have: APE_t = |A_t - B_t| / |B_t| × 100, its mean over
/// all common steps and over the last K (the numbers the OpenPangu study reports for loss). Used by the API and the
/// <c>compare</c> verb alike.
/// </summary>
public sealed class RunComparer(RunRepository runs, MetricSeriesRepository series)
{
    /// <summary>The comparison, or an error naming the field (<c>run</c>, <c>baseline</c>, <c>metric</c>, <c>last</c>).</summary>
    public async Task<(CompareResultDto? Result, string? Field, string? Error)> CompareAsync(Guid run, Guid baseline, string metric, int last, CancellationToken ct)
    {
        if (last < 1) return (null, "last", "must be at least 1");
        if (await runs.GetAsync(run, ct) is null) return (null, "run", $"no run has id {run}");
        if (await runs.GetAsync(baseline, ct) is null) return (null, "baseline", $"no run has id {baseline}");
        var a = (await series.ReadScalarAsync(run, metric, ct)).Where(p => float.IsFinite(p.Value)).ToDictionary(p => p.Step, p => (double)p.Value);
        var b = (await series.ReadScalarAsync(baseline, metric, ct)).Where(p => float.IsFinite(p.Value) && p.Value != 0).ToDictionary(p => p.Step, p => (double)p.Value);
        var steps = a.Keys.Where(b.ContainsKey).Order().ToArray();
        if (steps.Length == 0) return (null, "metric", $"the two runs have no common steps of '{metric}'");
        var (mean, lastPct) = LossApe.Summarise(steps.Select(s => a[s]).ToArray(), steps.Select(s => b[s]).ToArray(), last);
        return (new CompareResultDto(new ApeDto(mean, lastPct, steps.Length)), null, null);
    }
}
