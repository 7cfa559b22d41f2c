using QuantScope.Engine.Numerics;
using QuantScope.Engine.Telemetry;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Quantizes one tensor role of a layer (input, weight or output gradient) by its recipe and scaling state, and
/// gives the role's stats row. Shared by the forward roles of <see cref="QuantLinear"/> and its backward
/// (grad) quantizer so that all three follow exactly the same scaling rules.
/// </summary>
internal static class RoleQuantizer
{
    /// <summary>
    /// Fake-quantizes <paramref name="t"/>. Returns the quantized tensor (straight-through gradient when
    /// <paramref name="t"/> requires grad) and a new float64 raw stats vector, the first columns of
    /// <see cref="RawStatsLayout"/>: amax, amaxPred, scale, elements, overflow count, and with <paramref name="fullStats"/>
    /// also the error counts and sums and the HiF8 bins.
    /// </summary>
    /// <param name="t">The tensor to quantize.</param>
    /// <param name="amax">0-d amax of <paramref name="t"/> (already computed by the caller).</param>
    /// <param name="format">The role's element format.</param>
    /// <param name="state">The role's scaling state: <see cref="DelayedScalingState"/>, <see cref="CurrentScalingState"/>,
    /// or null for a block format that scales itself.</param>
    /// <param name="advance">True in training: delayed states take this step's amax, current states remember their scale.</param>
    /// <param name="fullStats">Compute the error statistics too (a stats step).</param>
    public static (Tensor Output, Tensor Stats) Quantize(Tensor t, Tensor amax, INumberFormat format, nn.Module? state, bool advance, bool fullStats)
    {
        Tensor scale, pred;
        FakeQuantResult result;
        switch (state)
        {
            case DelayedScalingState delayed:
                (scale, pred) = delayed.ScaleFor(amax);
                result = FakeQuantizer.Apply(t, scale, format, fullStats);
                if (advance) delayed.Update(amax);
                break;
            case CurrentScalingState current:
                scale = current.ScaleFor(amax, advance);
                pred = amax.clone();
                result = FakeQuantizer.Apply(t, scale, format, fullStats);
                break;
            default: // block formats: their own scales
                scale = ones_like(amax);
                pred = amax.clone();
                result = FakeQuantizer.ApplyBlock(t, format, fullStats);
                break;
        }

        using (scale)
        using (pred)
        using (result.Stats)
        using (no_grad())
        {
            return (result.Output, cat([stack([amax, pred, scale]).to(ScalarType.Float64), result.Stats])); // raw row from column 0
        }
    }

    /// <summary>The columns the quantizer fills on every step (NaN-free for a quantized role; amax alone for a high-precision one).</summary>
    public static IReadOnlyList<LayerStat> LayerStats { get; } =
    [
        new(MetricCatalog.Amax, (raw, _) => raw[RawStatsLayout.Amax]),
        new(MetricCatalog.AmaxPred, (raw, _) => raw[RawStatsLayout.AmaxPred]),
        new(MetricCatalog.Scale, (raw, _) => raw[RawStatsLayout.Scale]),
        new(MetricCatalog.OverflowFraction, (raw, _) => raw[RawStatsLayout.OverflowCount] / Math.Max(1, raw[RawStatsLayout.Elements])),
    ];

    /// <summary>The scaling state a recipe needs (null for block recipes), named <paramref name="name"/>.</summary>
    public static nn.Module? CreateState(string name, IScalingRecipe recipe, INumberFormat format) => recipe switch
    {
        DelayedScalingRecipe d => new DelayedScalingState(name, d, format),
        CurrentScalingRecipe c => new CurrentScalingState(name, c, format),
        _ => null,
    };
}
