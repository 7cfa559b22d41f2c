using QuantScope.Engine.Numerics;
using QuantScope.Engine.Telemetry;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// What FP8 gradients would do, measured on a layer whose plan keeps dL/dy in high precision: a shadow delayed scaling
/// state (the recipe the gradient would have had: the layer's input recipe when it is delayed, else the default
/// <see cref="DelayedScalingRecipe"/>) takes the gradient's amax every step; on stats steps its scales tell what E5M2
/// and E4M3 would overflow and flush to zero. One state serves both formats: their histories are the same amax
/// sequence, and E4M3's scale is E5M2's × 448 / 57344 = 2^-7 exactly, so with v = |g · s_E5M2| both formats overflow
/// on v &gt; 57344, E5M2 flushes v ≤ 2^-17 (half its smallest subnormal 2^-16: ties go to the even 0) and E4M3 flushes
/// v ≤ 2^-3 (128 × 2^-10, half of 2^-9, in E5M2-scaled units). One bucketize of v counts all of it. Training is
/// untouched (the gradient passes on unchanged); the shadow state is saved in resume checkpoints.
/// </summary>
internal sealed class GradWhatIfStats : IDisposable
{
    // Thresholds on v = |g · s_E5M2| for a right-closed bucketize (bin b: t[b-1] <= v < t[b]): 0 zero, 1 flushed by both,
    // 2 flushed by E4M3 only, 3 kept, 4 overflow (NaN sorts last and lands there, as it counts as overflow elsewhere).
    private static readonly float[] Thresholds =
        [float.Epsilon, MathF.BitIncrement(MathF.ScaleB(1, -17)), MathF.BitIncrement(MathF.ScaleB(1, -3)), MathF.BitIncrement(57344f)];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(DeviceType, int), Tensor> BoundariesByDevice = new();

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

    private readonly DelayedScalingState _state;

    /// <summary>A shadow state following <paramref name="recipe"/> with E5M2 as its format, on <paramref name="device"/>.</summary>
    public GradWhatIfStats(DelayedScalingRecipe recipe, Device device)
    {
        _state = new DelayedScalingState("grad_whatif_e5m2", recipe with { Format = FormatName.E5M2 }, FloatFormat.E5M2, device);
    }

    /// <summary>The shadow state (E5M2; E4M3's scale is its scale × 2^-7).</summary>
    public IReadOnlyList<DelayedScalingState> States => [_state];

    /// <summary>
    /// One backward pass: on stats steps (<paramref name="measure"/>) a new float64 [4] of the fractions under this
    /// step's delayed scale, else null; then the state takes <paramref name="amax"/> (every step, as a real grad state would).
    /// </summary>
    public Tensor? Observe(Tensor grad, Tensor amax, bool measure)
    {
        using var noGrad = no_grad();
        Tensor? result = null;
        if (measure)
        {
            using var scope = NewDisposeScope();
            var g = grad.detach();
            var (scale, _) = _state.ScaleFor(amax);
            var boundaries = BoundariesByDevice.GetOrAdd((g.device.type, g.device.index),
                _ => tensor(Thresholds, device: g.device).DetachFromDisposeScope()); // once per device
            var bins = g.mul(scale).abs_().reshape(-1).bucketize(boundaries, right: true);
            // scatter_add, not bincount: bincount sizes its output from the data's max, a host sync on CUDA.
            var counts = zeros([Thresholds.Length + 1], dtype: ScalarType.Int64, device: g.device).scatter_add_(0, bins, ones_like(bins)).to(ScalarType.Float64);
            using var numel = ((double)g.numel()).ToScalar(); // held
            var overflow = counts[4];
            var flushedBoth = counts[1];
            result = stack([overflow, flushedBoth, overflow, flushedBoth.add(counts[2], ScalarOps.One)]).div_(numel).MoveToOuterDisposeScope();
        }

        _state.Update(amax);
        return result;
    }

    /// <summary>Forgets the shadow history (quantization switched on after a warmup).</summary>
    public void Reset() => _state.Reset();

    /// <inheritdoc />
    public void Dispose() => _state.Dispose();
}
