using System.Text.RegularExpressions;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>
/// NaN/Inf origin: the first step, and within it the first layer in forward order and role (input, weight, grad),
/// whose recorded amax is ±inf or NaN. The engine stops before storing non-finite values, so for its own runs the
/// origin comes from the stored divergence message ("non-finite ROLE of LAYER"); imported runs may carry the values.
/// </summary>
public static partial class NonFiniteOriginDetector
{
    /// <summary>Zero or one finding.</summary>
    public static IEnumerable<Finding> Detect(DiagnosisInput input, DiagnosisThresholds t)
    {
        var first = FirstInSeries(input);
        if (first is null && input.RunError is { } error && DivergedAt().Match(error) is { Success: true } m)
            first = (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups[3].Value, m.Groups[2].Value, float.NaN);
        if (first is not { } f) yield break;

        var value = float.IsNaN(f.Value) ? "NaN" : f.Value > 0 ? "+inf" : "-inf";
        var evidence = $"Step {f.Step}: the {f.Role} of {f.Layer} is the first non-finite tensor in forward order (amax {value}).";
        var fix = f.Role == TensorRoles.GradOutput
            ? "The gradient overflowed in the backward pass: use e5m2 (or current scaling) for gradients and lower the LR."
            : f.Role == TensorRoles.Weight
                ? "The weight itself went non-finite: lower the LR, keep gradient clipping on, warm up in BF16."
                : "The activation blew up before this layer (attention, norm, or the previous block's output): lower the LR, warm up in BF16, and check that layer's saturation.";
        yield return new Finding(DetectorIds.NonFiniteOrigin, FindingSeverity.Critical, $"First NaN/Inf: {f.Role} of {f.Layer}", evidence,
            [f.Layer], [f.Step], new ChartHint(MetricCatalog.Amax, f.Role, f.Layer), fix);
    }

    private static (int Step, string Layer, string Role, float Value)? FirstInSeries(DiagnosisInput input)
    {
        (int Step, string Layer, string Role, float Value)? best = null;
        var roleOrder = 0;
        foreach (var role in TensorRoles.All)
        {
            roleOrder++;
            if (input.Layer(MetricCatalog.Amax, role) is not { } amax) continue;
            for (var k = 0; k < amax.Steps.Length; k++)
            {
                if (best is { } b && amax.Steps[k] > b.Step) break;
                for (var l = 0; l < input.Layers.Count; l++)
                {
                    var v = amax.At(k, l);
                    if (float.IsFinite(v) || (float.IsNaN(v) && !IsMeasuredNaN(input, role, amax.Steps[k]))) continue;
                    var candidate = (amax.Steps[k], input.Layers[l], role, v);
                    if (best is null || candidate.Item1 < best.Value.Step || (candidate.Item1 == best.Value.Step && Earlier(input, l, best.Value.Layer)))
                        best = candidate;
                    break;
                }
            }
        }

        return best;
    }

    // A NaN in a stored row usually means "not measured". It counts as a NaN tensor only when the loss at that step is
    // not finite too (a NaN amax always poisons the loss).
    private static bool IsMeasuredNaN(DiagnosisInput input, string role, int step) =>
        input.Scalar(MetricCatalog.Loss) is { } loss && Array.IndexOf(loss.Steps, step) is var k and >= 0 && !float.IsFinite(loss.Values[k]);

    private static bool Earlier(DiagnosisInput input, int layer, string than) => layer < input.Layers.ToList().IndexOf(than);

    [GeneratedRegex(@"step (\d+): non-finite (input|weight|grad) of (\S+?)\.?$")]
    private static partial Regex DivergedAt();
}
