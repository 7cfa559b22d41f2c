using QuantScope.Engine.Numerics;
using QuantScope.Engine.Numerics.Cpu;
using QuantScope.Engine.Quantization.Cpu;
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
/// v ≤ 2^-3 (128 × 2^-10, half of 2^-9, in E5M2-scaled units). A count of nonzero v and three clamped sums count all
/// of it (<see cref="CountAbove"/>). Training is
/// untouched (the gradient passes on unchanged); the shadow state is saved in resume checkpoints.
/// </summary>
internal sealed class GradWhatIfStats : IDisposable
{
    // Limits on v = |g · s_E5M2| (E5M2 flushes v <= 2^-17, E4M3 v <= 2^-3, both overflow v > 57344; all exact in float32)
    // and the float32 spacing just above each (the limits are the first values of their binades, 57344 = 1.75·2^15 inside
    // its binade: the spacing is 2^(e - 23) either way). Held Scalars (see Numerics/ScalarOps).
    private static readonly float[] Limits = [MathF.ScaleB(1, -17), MathF.ScaleB(1, -3), 57344f];
    private static readonly Scalar[] LimitScalars = [.. Limits.Select(l => l.ToScalar())];
    private static readonly Scalar[] SpacingScalars = [.. Limits.Select(l => (MathF.BitIncrement(l) - l).ToScalar())];
    private static readonly Scalar[] InverseSpacingScalars = [.. Limits.Select(l => (1.0 / (MathF.BitIncrement(l) - l)).ToScalar())];

    /// <summary>Elements per float32 sum in <see cref="CountAbove"/>: its partial sums k·spacing are exact up to 2^24 terms.</summary>
    internal const long SumPiece = 1L << 24;

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
            v.nan_to_num_(nan: double.PositiveInfinity, posinf: double.PositiveInfinity); // NaN is beyond every limit, as +inf (it was counted as overflow)
            // Counts by sums, not comparisons (a comparison writing bools and its count_nonzero cost 2-3x this here):
            // above(L) = elements with v > L; flushed = nonzero - above(limit); overflow = above(57344).
            using var numel = ((double)v.numel()).ToScalar(); // held
            var overflow = CountAbove(v, 2);
            var flushedE5M2 = CountAbove(v, 0).neg_();
            var flushedE4M3 = CountAbove(v, 1).neg_();
            // Last, as it overwrites v: v ≥ 0 with no NaN, so sign_ leaves 1 for every nonzero element and 0 for the zeros
            // (sign and sum cost about half of count_nonzero here, whose branchy loop is slower still on sparse tensors).
            var nonzero = SumInPieces(v.sign_(), SumPiece);
            flushedE5M2.add_(nonzero, ScalarOps.One);
            flushedE4M3.add_(nonzero, ScalarOps.One);
            result = stack([overflow, flushedE5M2, overflow, flushedE4M3]).div_(numel).MoveToOuterDisposeScope();
        }

        _state.Update(amax);
        return result;
    }

    /// <summary>
    /// The CPU route of a stats step (<paramref name="grad"/> where <see cref="CpuKernel.Applies"/>): one
    /// <see cref="GradWatchKernel"/> pass gives the gradient's amax, smallest nonzero |g| and the what-if counts under
    /// this step's delayed scale, read from the state's memory; then the state takes the amax, as in <see cref="Observe"/>.
    /// A seeded state's scale does not depend on this step's amax, so one pass gives everything; the first step (scaled
    /// by its own amax) takes the amax first (<see cref="ScaleMath.Amax"/>). Returns the counts and the 0-d float32 amax
    /// the state took (the caller's). Equal to <see cref="Observe"/>'s fractions and
    /// <see cref="RangeStats.SmallestNonzeroMagnitude"/>, bit for bit (exact counts, max and min).
    /// </summary>
    public (GradWatchKernel.Result Counts, Tensor Amax) ObserveOnCpu(Tensor grad)
    {
        using var noGrad = no_grad();
        GradWatchKernel.Result counts;
        Tensor amax;
        if (_state.IsSeeded)
        {
            counts = GradWatchKernel.Measure(grad, CpuKernel.Value(_state.Scale)); // ScaleFor's scale: a clone of this one
            amax = CpuKernel.Filled(counts.Amax);
        }
        else
        {
            amax = ScaleMath.Amax(grad);
            var (scale, pred) = _state.ScaleFor(amax);
            using (scale)
            using (pred)
            {
                counts = GradWatchKernel.Measure(grad, CpuKernel.Value(scale));
            }
        }

        _state.Update(amax);
        return (counts, amax);
    }

    /// <summary>
    /// Device: float64 0-d count of the elements of <paramref name="v"/> (≥ 0 or +∞, no NaN) above limit
    /// <paramref name="limit"/> (0..2 of <see cref="Limits"/>). (v - L) clamped to [0, spacing] is 0 for v ≤ L (the
    /// subtraction is exact near L) and the spacing above L for every larger v, so the sum is count × spacing, exact in
    /// float32 for up to 2^24 terms: longer tensors are summed in pieces of <paramref name="piece"/> elements.
    /// </summary>
    internal static Tensor CountAbove(Tensor v, int limit, long piece = SumPiece)
    {
        using var scope = NewDisposeScope();
        var steps = v.sub(LimitScalars[limit]).clamp_(ScalarOps.Zero, SpacingScalars[limit]);
        return SumInPieces(steps, piece).mul_(InverseSpacingScalars[limit]).MoveToOuterDisposeScope(); // a power of two: exact
    }

    // float64 0-d sum of a flat float32 tensor of small multiples of one power of two: float32 sums of up to 2^24 such
    // terms are exact, so longer tensors are summed in pieces of <piece> elements and the pieces' sums added in float64.
    private static Tensor SumInPieces(Tensor steps, long piece)
    {
        var n = steps.numel();
        if (n <= piece) return steps.sum().to(ScalarType.Float64);
        using var scope = NewDisposeScope();
        return stack(Enumerable.Range(0, (int)((n + piece - 1) / piece)).Select(i => steps.narrow(0, i * piece, Math.Min(piece, n - i * piece)).sum()))
            .to(ScalarType.Float64).sum().MoveToOuterDisposeScope();
    }

    /// <summary>Forgets the shadow history (quantization switched on after a warmup).</summary>
    public void Reset() => _state.Reset();

    /// <inheritdoc />
    public void Dispose() => _state.Dispose();
}
