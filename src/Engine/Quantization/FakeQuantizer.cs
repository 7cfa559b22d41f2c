using TorchSharp;
using QuantScope.Engine.Numerics;
using QuantScope.Engine.Numerics.Cpu;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// The quantization op: fake quantization with a straight-through gradient. Forward = Q(x·scale)/scale, computed on a
/// detached copy; backward = identity everywhere, including saturated elements (we do not zero the gradient of clipped
/// values: the STE passes through, as in TE/torchao QAT). Implemented as <c>q + (x - x.detach())</c>: the bracket is
/// exactly 0 for finite x, so the forward value is exactly q, while its gradient to x is 1. A tensor that does not
/// require grad (a gradient quantized in the backward pass) gets q itself.
/// <para>
/// The statistics reuse the quantizer's own intermediates (the scaled tensor, the dequantized values): see
/// <see cref="FakeQuantResult.Stats"/> for the layout.
/// </para>
/// <para>
/// On the CPU (float32, contiguous, a one-element scale; FP8/FP4 grids and HiF8, round to nearest) the whole forward and
/// its statistics are one pass of <see cref="FakeQuantKernel"/>, bit-identical in q and the counts (tested against the
/// tensor-op route, which other devices and inputs keep), its sums in float64. The straight-through output is then
/// <c>x.clone()</c> overwritten with q: CloneBackward passes the gradient unchanged and saves no tensor, so the
/// overwrite is safe, and the two extra passes and graph nodes of <c>q + (x - x.detach())</c> are gone.
/// </para>
/// </summary>
public static class FakeQuantizer
{
    // Numbers handed to TorchSharp are Scalars held here (see Numerics/ScalarOps: a temporary can be freed mid-call).
    private static readonly Scalar NotHiF8 = (-1L).ToScalar();

    /// <summary>Fake-quantizes <paramref name="x"/> with <paramref name="scale"/> onto <paramref name="format"/>.</summary>
    /// <param name="x">Any shape, float32; may require grad.</param>
    /// <param name="scale">0-d float32 (or broadcastable) scale; multiplies x before the cast.</param>
    /// <param name="format">Target element grid. On the CPU, FP8/FP4 grids and HiF8 round to nearest in one
    /// <see cref="FakeQuantKernel"/> pass (forward, overflow and full statistics together; measured, issue 25: E4M3 on
    /// 131 k values 60-70 µs with or without full stats, against 105-340 µs for the tensor ops; HiF8 with full stats
    /// 0.2 ms against 5-8 ms). Elsewhere FP8 takes its fastest exact route (the native cast or FloatGrid's tensor ops, see
    /// <see cref="FloatQuantizer.QuantizeClamped"/>), others such as HiF8 <see cref="INumberFormat.QuantizeDequantize"/>.
    /// Overflow counts |x·scale| above the scaling target (<see cref="ScaleMath.TargetMax"/>: the format max, or HiF8's
    /// max_val 15).</param>
    /// <param name="fullStats">Also count and sum for underflow, MSE, SQNR (and HiF8 tiers); otherwise only the overflow.</param>
    /// <param name="stochastic">Round stochastically with u from this generator (<see cref="StochasticRounding"/>;
    /// FP8/E2M1 and per-tensor INT only); null = the format's round to nearest even.</param>
    /// <param name="pictures">With <paramref name="fullStats"/>: also the magnitude histogram and the block-scale
    /// statistics (their own cadence, <c>stats.histogramEvery</c>); false leaves their columns out of the vector.</param>
    public static FakeQuantResult Apply(Tensor x, Tensor scale, INumberFormat format, bool fullStats = false, Generator? stochastic = null, bool pictures = true) =>
        stochastic is null && KernelApplies(x, scale, format) ? ApplyKernel(x, scale, format, fullStats, pictures)
        : ApplyTensorOps(x, scale, format, fullStats, stochastic, pictures);

    /// <summary>
    /// True where <see cref="Apply"/> takes the CPU kernel (for round to nearest): float32 in CPU memory, contiguous or
    /// not (a strided tensor, e.g. a gradient out of a transpose, is first copied: one pass against the tensor ops' ten).
    /// </summary>
    internal static bool KernelApplies(Tensor x, Tensor scale, INumberFormat format) =>
        format is FloatFormat or HiF8Format && CpuKernel.Applies(scale) && scale.numel() == 1
        && x.device_type == DeviceType.CPU && x.dtype == ScalarType.Float32 && x.numel() <= int.MaxValue / sizeof(float);

    /// <summary><see cref="Apply"/> by tensor ops on any device (the CPU kernel's reference).</summary>
    internal static FakeQuantResult ApplyTensorOps(Tensor x, Tensor scale, INumberFormat format, bool fullStats = false, Generator? stochastic = null, bool pictures = true)
    {
        Tensor q, stats;
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var scaled = x.detach().mul(scale);
            var clamped = ScalarOps.ClampSymmetric(scaled, format.MaxValue);
            var target = ScaleMath.TargetMax(format);
            // Elements beyond ±max are exactly those changed by the clamp: reuse it when the target is the format max.
            var overflow = target >= format.MaxValue ? scaled.sub(clamped).count_nonzero() : QuantErrorStats.OverflowCount(scaled, target);
            var onGrid = stochastic is not null ? Stochastic(clamped, format, stochastic)
                : format is FloatFormat ff ? FloatQuantizer.QuantizeClamped(clamped, scaled, ff) : format.QuantizeDequantize(clamped);
            q = onGrid.div_(scale).MoveToOuterDisposeScope(); // in place (a tensor of this call, maybe the clamped one); no graph: created under no_grad, a constant
            stats = Raw(x, q, overflow, fullStats, format is HiF8Format ? scaled : null, !pictures ? null : () => Extra(scaled, format, null, q)).MoveToOuterDisposeScope();
        }

        return WithStraightThrough(x, q, stats);
    }

    // The CPU route (see the type): one kernel pass writes q into the output and counts; the stats vector is written on
    // the host, which is this device. The pictures' histogram scales x as it reads it (the same float32 products).
    private static FakeQuantResult ApplyKernel(Tensor x, Tensor scale, INumberFormat format, bool fullStats, bool pictures)
    {
        // The output: a copy with identity gradient to x (CloneBackward saves nothing) when x requires grad, else a new
        // tensor; a strided x is read from its contiguous copy, which then takes q in place.
        var contiguous = x.is_contiguous();
        var output = !contiguous ? x.contiguous() : x.requires_grad ? x.clone() : empty_like(x);
        var source = contiguous ? x : output;
        using (no_grad())
        {
            var factor = CpuKernel.Value(scale); // CPU memory: no device read
            var limit = (float)Math.Min(ScaleMath.TargetMax(format), format.MaxValue); // the target, or the clamp's max
            var totals = format is FloatFormat f
                ? FakeQuantKernel.Run(source, factor, output, new FloatGridKernel.Grid(f), limit, fullStats, null)
                : FakeQuantKernel.Run(source, factor, output, new SaturatingHiF8Rounding(), limit, fullStats, HiF8TierStats.Thresholds);
            var stats = empty(fullStats ? FullColumns : 2, dtype: ScalarType.Float64);
            var values = CpuKernel.Doubles(stats);
            values[0] = x.numel();
            values[1] = totals.Overflow;
            if (!fullStats) return new FakeQuantResult(output, stats);

            values[2] = totals.NonzeroInput;
            values[3] = totals.NonzeroQuantized;
            values[4] = totals.ErrorEnergy;
            values[5] = totals.SignalEnergy;
            for (var b = 0; b < HiF8TierStats.Bins; b++) values[6 + b] = totals.Bins.Length == 0 ? -1 : totals.Bins[b]; // -1: not HiF8
            if (!pictures) return new FakeQuantResult(output, stats);

            using var scope = NewDisposeScope();
            var histogram = MagnitudeHistogram.KernelApplies(x, format)
                ? MagnitudeHistogram.CountScaled(x, factor, format) // scales as it reads: no scaled copy
                : MagnitudeHistogram.Count(x.detach().mul(scale), format);
            var withPictures = cat([stats, histogram, BlockScaleStats.NotMeasured(x.device)]).MoveToOuterDisposeScope();
            stats.Dispose();
            return new FakeQuantResult(output, withPictures);
        }
    }

    // Columns of the full-stats vector before the pictures: elements, overflow, QuantErrorStats' 4, HiF8's bins.
    private const int FullColumns = 6 + HiF8TierStats.Bins;

    /// <summary>
    /// Fake-quantizes onto a block-scaled format (INT-n, MX, NVFP4) that computes its own scales; straight-through
    /// gradient. Overflow is 0 by construction (each block's scale comes from the block's own max).
    /// </summary>
    /// <param name="x">Any shape, float32; may require grad.</param>
    /// <param name="format">A block-scaled format.</param>
    /// <param name="fullStats">Also the error statistics (as <see cref="Apply"/>).</param>
    /// <param name="stochastic">Round stochastically with u from this generator; null = round to nearest even.</param>
    /// <param name="pictures">With <paramref name="fullStats"/>: also the magnitude histogram and the block-scale statistics.</param>
    public static FakeQuantResult ApplyBlock(Tensor x, INumberFormat format, bool fullStats = false, Generator? stochastic = null, bool pictures = true)
    {
        Tensor q, stats;
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            q = (stochastic is null ? format.QuantizeDequantize(x.detach()) : StochasticRounding.QuantizeBlocks(x.detach(), format, stochastic)).MoveToOuterDisposeScope();
            var overflow = zeros(Array.Empty<long>(), dtype: ScalarType.Int64, device: x.device);
            stats = Raw(x, q, overflow, fullStats, null, !pictures ? null : () =>
            {
                using var view = BlockScaleView.Of(x.detach(), format);
                return Extra(view?.Scaled, format, view, q);
            }).MoveToOuterDisposeScope();
        }

        return WithStraightThrough(x, q, stats);
    }

    // float64 [elements, overflow count] or, with full stats, also [nonzero x, nonzero q, Σ(q-x)², Σx², 8 HiF8 bins]
    // and the extra groups' columns (magnitude histogram, block scales) when asked for (null: left out, NaN in the row).
    private static Tensor Raw(Tensor x, Tensor q, Tensor overflow, bool fullStats, Tensor? hif8Scaled, Func<Tensor>? extra)
    {
        using var numel = x.numel().ToScalar(); // held; full() is a kernel, tensor(value) a host->device copy (sync on CUDA)
        var elements = full(Array.Empty<long>(), numel, dtype: ScalarType.Int64, device: x.device);
        if (!fullStats) return stack([elements, overflow]).to(ScalarType.Float64);
        var (counts, energies) = QuantErrorStats.Sums(x, q);
        var bins = hif8Scaled is null
            ? full([HiF8TierStats.Bins], NotHiF8, dtype: ScalarType.Int64, device: x.device) // -1 marks "not HiF8"
            : HiF8TierStats.CountBins(hif8Scaled);
        var integers = cat([stack([elements, overflow]), counts]).to(ScalarType.Float64);
        var errors = cat([integers, energies.to(ScalarType.Float64), bins.to(ScalarType.Float64)]);
        return extra is null ? errors : cat([errors, extra()]);
    }

    // The magnitude histogram of the scaled values (the elements in block-scale units for block formats) and the block
    // scales' statistics (NaN for per-tensor formats): MagnitudeHistogram's then BlockScaleStats' raw columns.
    private static Tensor Extra(Tensor? scaled, INumberFormat format, BlockScaleView? view, Tensor q)
    {
        var histogram = scaled is null ? MagnitudeHistogram.NotMeasured(q.device) : MagnitudeHistogram.Count(scaled, format);
        var blocks = view is null ? BlockScaleStats.NotMeasured(q.device) : BlockScaleStats.Compute(view, q);
        return cat([histogram, blocks]);
    }

    // A per-tensor-scaled (already clamped) tensor rounded stochastically: FP8/E2M1 grids, or INT's per-tensor blocks.
    private static Tensor Stochastic(Tensor clamped, INumberFormat format, Generator generator) => format switch
    {
        FloatFormat f => StochasticRounding.OntoFloatGrid(clamped, f, rand(clamped.shape, device: clamped.device, generator: generator)),
        IntFormat => StochasticRounding.QuantizeBlocks(clamped, format, generator),
        _ => throw new ArgumentException($"Stochastic rounding is not available for '{format.Name}'.", nameof(format)),
    };

    private static FakeQuantResult WithStraightThrough(Tensor x, Tensor q, Tensor stats)
    {
        if (!x.requires_grad) return new FakeQuantResult(q, stats);
        using (q)
        using (var detached = x.detach())
        using (var zeroWithGrad = x.sub(detached))
        {
            return new FakeQuantResult(q.add(zeroWithGrad, ScalarOps.One), stats);
        }
    }
}
