using System.Text.Json;
using QuantScope.Engine.Analysis.Laws;
using QuantScope.Web.Api;

namespace QuantScope.Web.Sweeps;

/// <summary>Chart data of the sweep page: a summary metric against a swept field, and a law fit next to the published law.</summary>
public static class SweepCharts
{
    /// <summary>
    /// <paramref name="metric"/> (one of <see cref="SweepMetricsDto.Names"/>) against the swept <paramref name="field"/>,
    /// one trace per combination of the other swept fields (so a 2-D grid gives one line per value of the other field).
    /// </summary>
    public static IReadOnlyList<SweepTrace> MetricTraces(SweepDto sweep, string metric, string field)
    {
        var others = sweep.Fields.Where(f => f != field).ToList();
        return (sweep.Runs ?? [])
            .GroupBy(r => string.Join(" ", others.Select(o => $"{o}={Show(r.Grid, o)}")))
            .Select(g =>
            {
                var rows = g.OrderBy(r => r.Grid.TryGetValue(field, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0).ToList();
                return new SweepTrace(g.Key.Length == 0 ? metric : g.Key,
                    rows.Select(r => X(r.Grid, field)).ToList(), rows.Select(r => r.Metrics.Get(metric)).ToList(), Lines: true,
                    rows.Select(r => r.Name).ToList());
            }).ToList();
    }

    /// <summary>
    /// Observed delta against G (or P) with the fitted and the published law drawn as curves at the sweep's median N and
    /// D, so the two can be compared on the range the sweep covers (and beyond: G from 16 to 1024, P from 2 to 8 bits).
    /// </summary>
    public static IReadOnlyList<SweepTrace> FitTraces(SweepDto sweep, LawFitResultDto fit, ScalingLaw published)
    {
        var chen = published.Family == LawFamily.ChenQat;
        var runs = (sweep.Runs ?? []).Where(r => r.Metrics.Delta is > 0 && (chen ? r.Metrics.GroupSize : r.Metrics.Bits) is not null).ToList();
        if (runs.Count == 0) return [];
        var n = Median(runs.Select(r => (double)(r.Metrics.Parameters ?? 0)));
        var d = Median(runs.Select(r => (double)(r.Metrics.Tokens ?? 0)));
        var grid = chen ? Enumerable.Range(4, 7).Select(e => Math.Pow(2, e)).ToList() : Enumerable.Range(2, 7).Select(b => (double)b).ToList();
        var fitted = new ScalingLaw("fit", published.Family, fit.Constants.Select(c => c.Value).ToArray(), "fitted");
        double Eval(ScalingLaw law, double x) => law.Evaluate(chen ? new LawInput(n, d, x) : new LawInput(n, d, null, x));
        var at = $"at N={n:G3}, D={d:G3}";
        return
        [
            new SweepTrace("observed delta", runs.Select(r => (object)(double)(chen ? r.Metrics.GroupSize!.Value : r.Metrics.Bits!.Value)).ToList(),
                runs.Select(r => r.Metrics.Delta).ToList(), Lines: false, runs.Select(r => $"{r.Name} (N={r.Metrics.Parameters}, D={r.Metrics.Tokens})").ToList()),
            new SweepTrace($"fit {at}", grid.Cast<object>().ToList(), grid.Select(x => (double?)Eval(fitted, x)).ToList(), Lines: true),
            new SweepTrace($"published {published.Name} {at}", grid.Cast<object>().ToList(), grid.Select(x => (double?)Eval(published, x)).ToList(), Lines: true),
        ];
    }

    /// <summary>A grid value for display (strings unquoted).</summary>
    public static string Show(IReadOnlyDictionary<string, JsonElement> grid, string field) =>
        !grid.TryGetValue(field, out var v) ? "" : v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();

    private static object X(IReadOnlyDictionary<string, JsonElement> grid, string field) =>
        grid.TryGetValue(field, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : Show(grid, field);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
