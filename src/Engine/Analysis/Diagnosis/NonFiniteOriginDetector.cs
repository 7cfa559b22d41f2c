using System.Text.RegularExpressions;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>
/// NaN/Inf origin: the first step, and within it the first tensor in the order the step computed them — inputs and
/// weights in forward order, then gradients in backward order (they flow from the last layer) — whose amax is ±inf or
/// NaN. The engine stops before storing non-finite values, so for its own runs the origin is the one it recorded in the
/// summary (<see cref="DiagnosisInput.Divergence"/>); imported runs may carry the values in their series. Runs stored
/// before the summary kept it fall back to the stored divergence message.
/// </summary>
public static partial class NonFiniteOriginDetector
{
    private static readonly string[] ForwardRoles = [TensorRoles.Input, TensorRoles.Weight];

    /// <summary>Zero or one finding.</summary>
    public static IEnumerable<Finding> Detect(DiagnosisInput input, DiagnosisThresholds t)
    {
        var first = FirstInSeries(input) ?? Recorded(input);
        if (first is not { } f) yield break;

        var value = float.IsNaN(f.Value) ? "NaN" : f.Value > 0 ? "+inf" : "-inf";
        var order = f.Role == TensorRoles.GradOutput ? "in backward order (gradients flow from the last layer)" : "in forward order";
        var evidence = $"Step {f.Step}: the {f.Role} of {f.Layer} is the first non-finite tensor {order} (amax {value}).";
        var fix = f.Role == TensorRoles.GradOutput
            ? "The gradient overflowed in the backward pass: use e5m2 (or current scaling) for gradients and lower the LR."
            : f.Role == TensorRoles.Weight
                ? "The weight itself went non-finite: lower the LR, keep gradient clipping on, warm up in BF16."
                : "The activation blew up before this layer (attention, norm, or the previous block's output): lower the LR, warm up in BF16, and check that layer's saturation.";
        yield return new Finding(DetectorIds.NonFiniteOrigin, FindingSeverity.Critical, $"First NaN/Inf: {f.Role} of {f.Layer}", evidence,
            [f.Layer], [f.Step], new ChartHint(MetricCatalog.Amax, f.Role, f.Layer), fix);
    }

    // The engine's own record, as data; the English message only for runs stored before the summary kept it.
    private static (int Step, string Layer, string Role, float Value)? Recorded(DiagnosisInput input)
    {
        if (input.Divergence is { Layer: { } layer, Role: { } role } d) return (d.Step, layer, role, float.NaN);
        if (input.Divergence is null && input.RunError is { } error && DivergedAt().Match(error) is { Success: true } m)
            return (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups[3].Value, m.Groups[2].Value, float.NaN);
        return null;
    }

    private static (int Step, string Layer, string Role, float Value)? FirstInSeries(DiagnosisInput input)
    {
        var steps = TensorRoles.All.Select(r => input.Layer(MetricCatalog.Amax, r)).OfType<LayerSeries>()
            .SelectMany(s => s.Steps).Distinct().Order();
        var count = input.Layers.Count;
        foreach (var step in steps)
        {
            // Forward: layer by layer, input before weight; then backward: gradients from the last layer to the first.
            var order = Enumerable.Range(0, count).SelectMany(l => ForwardRoles.Select(r => (Layer: l, Role: r)))
                .Concat(Enumerable.Range(0, count).Reverse().Select(l => (Layer: l, Role: TensorRoles.GradOutput)));
            foreach (var (l, role) in order)
            {
                if (input.Layer(MetricCatalog.Amax, role) is not { } amax || Array.IndexOf(amax.Steps, step) is not (var k and >= 0)) continue;
                var v = amax.At(k, l);
                if (float.IsFinite(v) || (float.IsNaN(v) && !IsMeasuredNaN(input, step))) continue;
                return (step, input.Layers[l], role, v);
            }
        }

        return null;
    }

    // A NaN in a stored row usually means "not measured". It counts as a NaN tensor only when the loss at that step is
    // not finite too (a NaN amax always poisons the loss).
    private static bool IsMeasuredNaN(DiagnosisInput input, int step) =>
        input.Scalar(MetricCatalog.Loss) is { } loss && Array.IndexOf(loss.Steps, step) is var k and >= 0 && !float.IsFinite(loss.Values[k]);

    [GeneratedRegex(@"step (\d+): non-finite (input|weight|grad) of (\S+?)\.?$")]
    private static partial Regex DivergedAt();
}
