using System.Collections.Concurrent;
using QuantScope.Engine.Analysis.Laws;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Api;

namespace QuantScope.Web.Sweeps;

/// <summary>
/// Fits a scaling law to a sweep's completed runs: N = model parameters, D = tokens (steps · batch · sequence length),
/// G = the weights' group size, P = their bits (both from the effective plan), delta = final loss − twin loss. Keeps the
/// last fit per sweep for the sweep page.
/// </summary>
public sealed class SweepFitter(SweepRepository sweeps)
{
    private readonly ConcurrentDictionary<Guid, SweepFitResult> _last = new();

    /// <summary>The last successful fit of the sweep in this process, or null.</summary>
    public SweepFitResult? LastFit(Guid sweepId) => _last.TryGetValue(sweepId, out var fit) ? fit : null;

    /// <summary>Fits <paramref name="law"/>'s family to the sweep; null when the sweep does not exist.</summary>
    public async Task<SweepFitResult?> FitAsync(Guid sweepId, ScalingLaw law, CancellationToken ct)
    {
        if (await sweeps.GetAsync(sweepId, ct) is not { } sweep) return null;
        var result = Fit(sweep, law);
        if (result.Fit is not null) _last[sweepId] = result;
        return result;
    }

    /// <summary>The fit, or the errors naming the run and the missing field (exactly one is set).</summary>
    public static SweepFitResult Fit(SweepDto sweep, ScalingLaw law)
    {
        var finished = (sweep.Runs ?? []).Where(r => r.Status == RunStatus.Completed).ToList();
        var errors = new List<ConfigError>();
        var points = new List<LawPoint>();
        var third = law.Family == LawFamily.ChenQat ? "G" : "P";
        foreach (var run in finished)
        {
            var m = run.Metrics;
            var at = $"runs[{run.Index}]";
            void Missing(string field, string why) => errors.Add(new ConfigError($"{at}.{field}", $"run {run.Id} ({run.Name}) {why}"));
            if (m.Parameters is null) Missing("N", "has no parameter count (its config is unreadable)");
            if (m.Tokens is null) Missing("D", "has no token count");
            if (third == "G" && m.GroupSize is null) Missing("G", "has no group size: its weights are not in a per-group INT format (e.g. quant.preset w4a4-g128 or quant.format int4-g32)");
            if (third == "P" && m.Bits is null) Missing("P", "has no bit width: its weights are not in an INT format");
            if (m.Delta is null) Missing("delta", "has no twin loss: set \"baseline\": true in the base config");
            else if (m.Delta <= 0) Missing("delta", $"has delta = final loss − twin loss = {m.Delta:G4} ≤ 0; the law is fitted to ln delta");
            if (m.Parameters is { } n && m.Tokens is { } d && m.Delta is > 0)
                points.Add(new LawPoint(n, d, m.GroupSize, m.Bits, m.Delta.Value));
        }

        var needed = law.ConstantNames.Count + 1;
        if (finished.Count < needed)
            errors.Insert(0, new ConfigError("runs", $"the sweep has {finished.Count} completed run(s); fitting {law.ConstantNames.Count} constants needs at least {needed}"));
        if (errors.Count > 0) return new SweepFitResult(null, [], errors);
        try
        {
            var fit = ScalingLawFitter.Fit(law.Family, points);
            return new SweepFitResult(LawMapping.ToDto(fit, law), finished.Select(r => r.Id).ToList(), []);
        }
        catch (LawInputException ex)
        {
            return new SweepFitResult(null, [], [new ConfigError("runs", $"{ex.Message} (a sweep must vary N, D and {third} independently: e.g. a grid over model.dModel, steps and quant.format)")]);
        }
    }
}
