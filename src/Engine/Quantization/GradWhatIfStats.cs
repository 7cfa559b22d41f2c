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
/// v ≤ 2^-3 (128 × 2^-10, half of 2^-9, in E5M2-scaled units). Three comparisons of v count all of it. Training is
/// untouched (the gradient passes on unchanged); the shadow state is saved in resume checkpoints.
/// </summary>
internal sealed class GradWhatIfStats : IDisposable
{
    // Limits on v = |g · s_E5M2|, held (see Numerics/ScalarOps): E5M2 flushes v <= 2^-17, E4M3 v <= 2^-3, both overflow
    // v > 57344 (NaN compares false with all of them, so it counts as overflow, as everywhere else). All exact in float32.
    private static readonly Scalar E5M2FlushLimit = MathF.ScaleB(1, -17).ToScalar(), E4M3FlushLimit = MathF.ScaleB(1, -3).ToScalar(), OverflowLimit = 57344f.ToScalar();

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
    /// One backward pass: on stats steps (<paramref name="magnitude"/> = |g| given) a new float64 [4] of the fractions
    /// under this step's delayed scale, else null; then the state takes <paramref name="amax"/> (every step, as a real
    /// grad state would).
    /// </summary>
    public Tensor? Observe(Tensor? magnitude, Tensor amax)
    {
        using var noGrad = no_grad();
        Tensor? result = null;
        if (magnitude is not null)
        {
            using var scope = NewDisposeScope();
            var (scale, _) = _state.ScaleFor(amax);
            var v = magnitude.detach().mul(scale).reshape(-1); // |g|·s = |g·s| exactly (s > 0)
            // Three comparisons and counts (count_nonzero of a bool is a cheap pass; a bucketize was 10-20x slower on CPU):
            // zeros = n - nonzero(v); flushed = (v <= limit) - zeros; overflow = n - (v <= 57344), NaN included.
            using var numel = v.numel().ToScalar(); // held
            var zeros = v.count_nonzero().neg_().add_(numel, ScalarOps.One);
            var flushedE5M2 = v.le(E5M2FlushLimit).count_nonzero().sub_(zeros);
            var flushedE4M3 = v.le(E4M3FlushLimit).count_nonzero().sub_(zeros);
            var overflow = v.le(OverflowLimit).count_nonzero().neg_().add_(numel, ScalarOps.One);
            using var count = ((double)v.numel()).ToScalar(); // held
            result = stack([overflow, flushedE5M2, overflow, flushedE4M3]).to(ScalarType.Float64).div_(count).MoveToOuterDisposeScope();
        }

        _state.Update(amax);
        return result;
    }

    /// <summary>Forgets the shadow history (quantization switched on after a warmup).</summary>
    public void Reset() => _state.Reset();

    /// <inheritdoc />
    public void Dispose() => _state.Dispose();
}
