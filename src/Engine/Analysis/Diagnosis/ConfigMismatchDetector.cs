using QuantScope.Engine.Analysis.Replay;
using QuantScope.Engine.Telemetry;
using static QuantScope.Engine.Analysis.Diagnosis.DiagnosisText;

namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>
/// Config mismatch: the effective plan differs from what was requested — a rule matched no layer, a group or block
/// size fell back, the LM head or embedding got quantized, quantization was requested but nothing is quantized, or a
/// requested override (history length, algorithm, margin, format) does not show in the plan. Needs the plan; runs
/// without one (imported) give nothing.
/// </summary>
public static class ConfigMismatchDetector
{
    /// <summary>One finding per kind of mismatch.</summary>
    public static IEnumerable<Finding> Detect(DiagnosisInput input, DiagnosisThresholds t)
    {
        var plan = input.Plan;
        var unmatched = input.PlanWarnings.Where(w => w.Contains("matched no layer", StringComparison.Ordinal)).ToArray();
        if (unmatched.Length > 0)
            yield return Make(FindingSeverity.Warning, $"{unmatched.Length} plan rule(s) matched no layer", List(unmatched, t.MaxListed) + ".", [],
                "Fix the layer glob (full module names, e.g. model.layers.*.mlp.down_proj; * is one segment, ** any) or the role.");

        var fallbacks = plan.Where(e => e.Note is not null).ToArray();
        if (fallbacks.Length > 0)
            yield return Make(FindingSeverity.Warning, $"{fallbacks.Length} plan entr(ies) fell back",
                List(fallbacks.Select(e => $"{e.Layer} {e.Role}: {e.Note}"), t.MaxListed) + ".", Layers(fallbacks, t),
                "Pick a group or block size that divides the layer width (in-features for input and weight), or accept the fallback knowingly.");

        var head = plan.Where(e => (e.Layer.Contains("lm_head", StringComparison.Ordinal) || e.Layer.Contains("embed_tokens", StringComparison.Ordinal)) && IsQuantized(e)).ToArray();
        if (head.Length > 0)
            yield return Make(FindingSeverity.Warning, "The LM head or embedding is quantized",
                List(head.Select(e => $"{e.Layer} {e.Role} in {e.Format}"), t.MaxListed) + ".", Layers(head, t),
                "Keep lm_head and the embedding in high precision (a keep rule first): they are small and very sensitive.");

        if (input.Requested is not { } requested || plan.Count == 0) yield break;
        if (requested.Quantized == true && !plan.Any(IsQuantized))
            yield return Make(FindingSeverity.Critical, "Quantization was requested but nothing is quantized",
                $"All {plan.Count} plan entries run in high precision.", [], "Check the preset or the rules' layer globs and roles.");
        if (requested.Quantized == false && plan.Any(IsQuantized))
            yield return Make(FindingSeverity.Warning, "No quantization was requested but some layers are quantized",
                $"{plan.Count(IsQuantized)} entries are quantized.", Layers(plan.Where(IsQuantized), t), "Check the run's config and plan.");

        var overrides = Overrides(plan, requested).ToArray();
        if (overrides.Length > 0)
            yield return Make(FindingSeverity.Warning, "Requested overrides did not reach the plan",
                List(overrides.Select(o => o.Text).Distinct(), t.MaxListed) + ".", Layers(overrides.Select(o => o.Entry), t),
                "The preset's rules may not use delayed scaling where you expected, or explicit rules override the preset: check the plan table.");
    }

    private static IEnumerable<(PlanEntry Entry, string Text)> Overrides(IReadOnlyList<PlanEntry> plan, RequestedSettings requested)
    {
        foreach (var entry in plan)
        {
            if (RecipeText.TryParseDelayed(entry.Recipe, entry.Format) is { } s)
            {
                if (requested.HistoryLength is { } h && s.HistoryLength != h) yield return (entry, $"historyLength {h} requested, {entry.Recipe} in effect");
                if (requested.Algorithm is { } a && s.Algorithm != a) yield return (entry, $"algorithm {RecipeText.AlgorithmName(a)} requested, {entry.Recipe} in effect");
                if (requested.Margin is { } m && s.Margin != m) yield return (entry, $"margin {m} requested, {entry.Recipe} in effect");
            }

            if (requested.Format is { } f && entry.Role != TensorRoles.GradOutput && entry.Note is null && IsQuantized(entry)
                && !entry.Format.Equals(f, StringComparison.OrdinalIgnoreCase))
                yield return (entry, $"format {f} requested, {entry.Format} in effect");
        }
    }

    private static bool IsQuantized(PlanEntry e) => !e.Format.Equals("fp32", StringComparison.OrdinalIgnoreCase) && e.Recipe != "high precision";

    private static string[] Layers(IEnumerable<PlanEntry> entries, DiagnosisThresholds t) => entries.Select(e => e.Layer).Distinct().Take(t.MaxListed).ToArray();

    private static Finding Make(FindingSeverity severity, string title, string evidence, IReadOnlyList<string> layers, string fix) =>
        new(DetectorIds.ConfigMismatch, severity, title, evidence, layers, [], new ChartHint("plan", TensorRoles.None, null), fix);
}
