using QuantScope.Engine.Analysis.Diagnosis;
using QuantScope.Engine.Analysis.Ptq;
using QuantScope.Engine.Quantization;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;

namespace QuantScope.Engine.Analysis.KeepList;

/// <summary>
/// Recommends which layers to keep in high precision (BF16 in a real run; the engine computes in float32). The model
/// of "predicted error" is additive: each quantized layer contributes its own error, independently of the others, and
/// a kept layer contributes nothing. A layer's contribution is, in order of preference: its loss increase when
/// quantized alone (PTQ sensitivity, nats/token, when a PTQ report is given: then for every layer); else its mean
/// measured error split <c>errorBoth</c> over the QAT steps (‖Q(x)Q(W)ᵀ − xWᵀ‖/‖xWᵀ‖); else the same from the input's
/// and weight's mean SQNR, √(10^(−SQNR_x/10) + 10^(−SQNR_W/10)) (noise-to-signal powers of independent errors add).
/// Keeping the largest contributions first reaches the target with the fewest layers (exact for an additive model).
/// </summary>
public static class KeepListRecommender
{
    /// <summary>The default target: half the predicted error of the run's plan.</summary>
    public const double DefaultTargetFraction = 0.5;

    /// <summary>The recommendation for one run.</summary>
    /// <param name="input">The run's series and effective plan (<see cref="DiagnosisInput"/>).</param>
    /// <param name="runPlan">The rules the run was started with (the result puts its keep rules before them).</param>
    /// <param name="targetFraction">The predicted error must fall to at most this fraction of the run's (0 ≤ f &lt; 1).</param>
    /// <param name="sensitivity">PTQ sensitivity of the run's checkpoint, or null / empty to use the measured error.</param>
    /// <exception cref="KeepListInputException">A bad target, a plan that quantizes nothing, or no error measured.</exception>
    public static KeepListRecommendation Recommend(
        DiagnosisInput input, QuantPlan runPlan, double targetFraction = DefaultTargetFraction, IReadOnlyList<LayerSensitivity>? sensitivity = null)
    {
        if (!double.IsFinite(targetFraction) || targetFraction < 0 || targetFraction >= 1)
            throw new KeepListInputException("target", $"must be a fraction in [0, 1) of the run's predicted error, was {targetFraction}");
        if (runPlan.Rules.Count == 0) throw new KeepListInputException("quant", "is empty: the run quantized nothing, so there is nothing to keep");

        var quantized = QuantizedRoles(input);
        var usePtq = sensitivity is { Count: > 0 };
        var shares = (usePtq ? FromPtq(sensitivity!, quantized) : Measured(input, quantized))
            .Where(s => double.IsFinite(s.Contribution)).OrderByDescending(s => s.Contribution).ThenBy(s => s.Layer, StringComparer.Ordinal).ToList();
        if (shares.Count == 0)
            throw new KeepListInputException("errorBoth", "was not recorded for any quantized layer (nor sqnrDb of input and weight): run with stats.errorSplitEvery > 0");

        var total = shares.Sum(s => s.Contribution);
        var target = targetFraction * total;
        var predicted = total;
        var keep = new List<string>();
        foreach (var share in shares)
        {
            if (predicted <= target) break;
            keep.Add(share.Layer);
            predicted -= share.Contribution;
        }

        predicted = shares.Where(s => !keep.Contains(s.Layer)).Sum(s => s.Contribution); // summed again: no round-off drift
        var layers = shares.Select(s => s with { Kept = keep.Contains(s.Layer) }).ToArray();
        var rules = keep.SelectMany(layer => (quantized.TryGetValue(layer, out var roles) ? roles : [TensorRole.Input, TensorRole.Weight])
            .Select(role => new QuantRule { Layer = layer, Role = role, Recipe = RecipeKind.Keep }));
        var plan = new QuantConfig { Preset = null, Rules = [.. rules, .. runPlan.Rules] };
        var unit = usePtq ? "nats/token" : "relative output error";
        var model = usePtq
            ? "additive: the sum over quantized layers of the held-out loss increase with that layer alone quantized (PTQ sensitivity)"
            : "additive: the sum over quantized layers of the mean relative output error errorBoth (from SQNR where not measured)";
        return new KeepListRecommendation(keep, layers, unit, total, predicted, target, model, plan);
    }

    // The roles the effective plan quantizes per layer (all layers' input and weight when the plan is unknown).
    private static Dictionary<string, TensorRole[]> QuantizedRoles(DiagnosisInput input)
    {
        if (input.Plan.Count == 0)
            return input.Layers.Distinct().ToDictionary(l => l, _ => new[] { TensorRole.Input, TensorRole.Weight }, StringComparer.Ordinal);
        return input.Plan.Where(e => e.Format != QuantPlan.HighPrecisionFormat)
            .Select(e => (e.Layer, Known: TensorRoleText.TryParse(e.Role, out var role), Role: role)).Where(e => e.Known)
            .GroupBy(e => e.Layer, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Role).Distinct().Order().ToArray(), StringComparer.Ordinal);
    }

    private static IEnumerable<LayerErrorShare> FromPtq(IReadOnlyList<LayerSensitivity> sensitivity, Dictionary<string, TensorRole[]> quantized) =>
        sensitivity.Where(s => quantized.ContainsKey(s.Layer)).Select(s => new LayerErrorShare(s.Layer, Math.Max(0, s.Delta), "ptq", false));

    private static IEnumerable<LayerErrorShare> Measured(DiagnosisInput input, Dictionary<string, TensorRole[]> quantized)
    {
        var start = input.QatStart();
        var both = input.Layer(MetricCatalog.ErrorBoth, TensorRoles.Input);
        var sqnrInput = input.Layer(MetricCatalog.SqnrDb, TensorRoles.Input);
        var sqnrWeight = input.Layer(MetricCatalog.SqnrDb, TensorRoles.Weight);
        for (var l = 0; l < input.Layers.Count; l++)
        {
            var name = input.Layers[l];
            if (!quantized.ContainsKey(name)) continue;
            var measured = both?.Mean(l, start) ?? double.NaN;
            if (double.IsFinite(measured))
            {
                yield return new LayerErrorShare(name, measured, MetricCatalog.ErrorBoth, false);
                continue;
            }

            // A role the plan keeps has no quantization noise: its SQNR is missing or lossless, and counts 0.
            var noise = NoisePower(sqnrInput?.Mean(l, start)) + NoisePower(sqnrWeight?.Mean(l, start));
            if (sqnrInput is not null || sqnrWeight is not null) yield return new LayerErrorShare(name, Math.Sqrt(noise), "sqnr", false);
        }
    }

    // Noise-to-signal power from a mean SQNR in dB; 0 when not measured.
    private static double NoisePower(double? sqnrDb) => sqnrDb is { } db && double.IsFinite(db) ? Math.Pow(10, -db / 10) : 0;
}
