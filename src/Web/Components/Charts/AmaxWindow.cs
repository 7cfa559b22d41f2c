using QuantScope.Engine.Analysis.Replay;
using QuantScope.Engine.Quantization;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// The amax history a delayed scale was computed from at one step: the stored amax of the H steps before it (the
/// window that made that step's amaxPred), the recorded amaxPred and amax at the step, and what the stored entries give
/// under the run's algorithm. When the run logged fewer steps than the window holds, <see cref="Stored"/> is below
/// <see cref="Expected"/> and <see cref="Sparse"/> says so: the history the engine kept is denser than what was stored.
/// </summary>
/// <param name="Step">The step whose scale is shown.</param>
/// <param name="Settings">The history length H and algorithm, from the run's effective plan.</param>
/// <param name="Entries">Stored (step, amax) of steps Step − H … Step − 1, ascending.</param>
/// <param name="AmaxPred">The amaxPred recorded at <see cref="Step"/>, or null.</param>
/// <param name="Amax">The amax recorded at <see cref="Step"/>, or null.</param>
/// <param name="Expected">How many entries the window holds at this step: min(H, Step − first logged step).</param>
public sealed record AmaxWindow(int Step, ReplaySettings Settings, IReadOnlyList<(int Step, float Amax)> Entries, float? AmaxPred, float? Amax, int Expected)
{
    /// <summary>How many of the window's steps are stored.</summary>
    public int Stored => Entries.Count;

    /// <summary>True when the stored series is sparser than the history (logging every N steps).</summary>
    public bool Sparse => Stored < Expected;

    /// <summary>What the stored entries give under the algorithm (max, most recent, mean), or null without entries.</summary>
    public double? FromStored => Entries.Count == 0 ? null : Settings.Algorithm switch
    {
        AmaxAlgorithm.MostRecent => Entries[^1].Amax,
        AmaxAlgorithm.Max => Entries.Max(e => e.Amax),
        _ => Entries.Average(e => e.Amax),
    };

    /// <summary>
    /// The window of (layer, role) at <paramref name="step"/> from the run's points; null when the plan gives that
    /// tensor no delayed scaling (current scaling, block formats, high precision) or it stored no amax.
    /// </summary>
    public static AmaxWindow? At(IEnumerable<LayerPoint> points, int layer, string role, int step, PlanEntry? plan)
    {
        if (RecipeText.TryParseDelayed(plan?.Recipe, plan?.Format) is not { } settings) return null;
        var amax = new SortedDictionary<int, float>();
        float? pred = null;
        foreach (var p in points)
        {
            if (p.Role != role || layer >= p.Values.Length) continue;
            if (p.Metric == MetricCatalog.Amax) amax[p.Step] = p.Values[layer];
            else if (p.Metric == MetricCatalog.AmaxPred && p.Step == step) pred = p.Values[layer];
        }

        if (amax.Count == 0) return null;
        var first = amax.Keys.First();
        var entries = amax.Where(a => a.Key >= step - settings.HistoryLength && a.Key < step).Select(a => (a.Key, a.Value)).ToArray();
        var expected = Math.Clamp(step - first, 0, settings.HistoryLength);
        return new AmaxWindow(step, settings, entries, pred is { } v && float.IsFinite(v) ? v : null,
            amax.TryGetValue(step, out var now) ? now : null, expected);
    }

    /// <summary>The steps with a stored amax for (layer, role), ascending (the step picker's choices).</summary>
    public static IReadOnlyList<int> StepsOf(IEnumerable<LayerPoint> points, string role) =>
        points.Where(p => p.Metric == MetricCatalog.Amax && p.Role == role).Select(p => p.Step).Distinct().Order().ToArray();
}
