using QuantScope.Engine.Numerics;
using QuantScope.Engine.Telemetry;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// What FP8 gradients would do, measured on a layer whose plan keeps dL/dy in high precision: shadow delayed scaling
/// states for E5M2 and E4M3 (the recipe the gradient would have had: the layer's input recipe when it is delayed,
/// else the default <see cref="DelayedScalingRecipe"/>) take the gradient's amax every step, and on stats steps the
/// gradient is scaled by their scales and cast to count what would overflow and what would flush to zero. Training is
/// untouched (the gradient passes on unchanged). The shadow histories are not saved in checkpoints: a resumed run
/// seeds them again.
/// </summary>
internal sealed class GradWhatIfStats : IDisposable
{
    private static readonly FloatFormat[] Formats = [FloatFormat.E5M2, FloatFormat.E4M3];

    /// <summary>Raw: [e5m2 overflow, e5m2 underflow, e4m3 overflow, e4m3 underflow] fractions of the gradient's elements, already final.</summary>
    public static readonly RawColumn Fractions = new("gradWhatIf", 4);

    /// <summary>The grad row's what-if E5M2 / E4M3 overflow and underflow (NaN for other roles and quantized gradients).</summary>
    public static LayerStatsGroup Group { get; } = new(
        [Fractions],
        [
            new(MetricCatalog.WhatIf("e5m2", MetricCatalog.OverflowFraction), (raw, _) => raw[Fractions.Offset]),
            new(MetricCatalog.WhatIf("e5m2", MetricCatalog.UnderflowFraction), (raw, _) => raw[Fractions.Offset + 1]),
            new(MetricCatalog.WhatIf("e4m3", MetricCatalog.OverflowFraction), (raw, _) => raw[Fractions.Offset + 2]),
            new(MetricCatalog.WhatIf("e4m3", MetricCatalog.UnderflowFraction), (raw, _) => raw[Fractions.Offset + 3]),
        ]);

    private readonly DelayedScalingState[] _states;

    /// <summary>Shadow states following <paramref name="recipe"/> (its format replaced by E5M2 and E4M3) on <paramref name="device"/>.</summary>
    public GradWhatIfStats(DelayedScalingRecipe recipe, Device device)
    {
        _states = [.. Formats.Select(f => new DelayedScalingState("grad_whatif_" + f.Name, recipe with { Format = FormatName.Parse(f.Name) }, f, device))];
    }

    /// <summary>The E5M2 and E4M3 shadow states (for tests).</summary>
    public IReadOnlyList<DelayedScalingState> States => _states;

    /// <summary>
    /// One backward pass: on stats steps (<paramref name="measure"/>) a new float64 [4] of the fractions under this
    /// step's delayed scales, else null; then every state takes <paramref name="amax"/> (every step, as a real grad state would).
    /// </summary>
    public Tensor? Observe(Tensor grad, Tensor amax, bool measure)
    {
        using var noGrad = no_grad();
        Tensor? result = null;
        if (measure)
        {
            using var scope = NewDisposeScope();
            var g = grad.detach();
            using var numel = ((double)g.numel()).ToScalar(); // held
            var parts = new List<Tensor>();
            for (var i = 0; i < Formats.Length; i++)
            {
                var (scale, _) = _states[i].ScaleFor(amax);
                var scaled = g.mul(scale);
                var clamped = ScalarOps.ClampSymmetric(scaled, Formats[i].MaxValue);
                var overflow = scaled.sub(clamped).count_nonzero(); // exactly the elements the clamp changed (NaN too)
                var q = FloatQuantizer.QuantizeClamped(clamped, Formats[i]);
                var underflow = g.count_nonzero().sub(q.count_nonzero()); // nonzeros that became 0
                parts.Add(overflow.to(ScalarType.Float64).div(numel));
                parts.Add(underflow.to(ScalarType.Float64).div(numel));
            }

            result = stack(parts).MoveToOuterDisposeScope();
        }

        foreach (var state in _states) state.Update(amax);
        return result;
    }

    /// <summary>Forgets the shadow histories (quantization switched on after a warmup).</summary>
    public void Reset()
    {
        foreach (var state in _states) state.Reset();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var state in _states) state.Dispose();
    }
}
