using TorchSharp;
using QuantScope.Engine.Numerics;
using QuantScope.Engine.Quantization.Cpu;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// "What would format F have done to this tensor?": the overflow, underflow, MSE and SQNR of casting the same tensor to
/// another format, computed beside training without touching it (as Transformer Engine can log MXFP8 while training in
/// FP8). Per-tensor formats (FP8, HiF8) are scaled by this step's amax (current scaling to the format's target); INT-n,
/// MX and NVFP4 use their own block scales (no overflow by construction).
/// </summary>
public static class WhatIfStats
{
    /// <summary>The statistics, in this order, per format.</summary>
    public static IReadOnlyList<string> Metrics => Telemetry.MetricCatalog.WhatIfMetrics;

    /// <summary>The metric name of statistic <paramref name="metric"/> for format <paramref name="format"/>: <c>whatIf.FORMAT.METRIC</c>.</summary>
    public static string MetricName(string format, string metric) => Telemetry.MetricCatalog.WhatIf(format, metric);

    /// <summary>Raw values per format on the device: elements, overflow count, nonzero x, nonzero q, Σ(q - x)², Σx².</summary>
    public const int RawWidth = 6;

    /// <summary>
    /// Device: float64 [<see cref="RawWidth"/>] raw counts and sums of <paramref name="t"/> cast to <paramref name="format"/>;
    /// <see cref="Finish"/> turns them into <see cref="Metrics"/> on the host. FP8/FP4 grids on the CPU take one
    /// <see cref="WhatIfKernel"/> pass (equal counts; float64 sums), other formats and devices the tensor ops.
    /// </summary>
    public static Tensor Compute(Tensor t, Tensor amax, INumberFormat format)
    {
        using var noGrad = no_grad();
        if (WhatIfKernel.Applies(t, amax, format))
        {
            using var values = t.detach();
            return WhatIfKernel.Compute(values, amax, (FloatFormat)format);
        }

        return ComputeByTensorOps(t, amax, format);
    }

    /// <summary>The tensor-op route of <see cref="Compute"/> (other devices and formats; the reference of the CPU kernel).</summary>
    internal static Tensor ComputeByTensorOps(Tensor t, Tensor amax, INumberFormat format)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = t.detach();
        Tensor q, overflow;
        if (format is IntFormat or MxFormat or NvFp4Format)
        {
            q = format.QuantizeDequantize(x);
            overflow = zeros(Array.Empty<long>(), dtype: ScalarType.Int64, device: x.device);
        }
        else
        {
            var target = ScaleMath.TargetMax(format);
            var safe = amax.detach().to(ScalarType.Float32);
            using var targetScalar = target.ToScalar(); // held: a temporary Scalar can be freed by the GC mid-call
            var scale = where(safe.gt(ScalarOps.Zero).logical_and(safe.isfinite()), safe.reciprocal().mul(targetScalar), ones_like(safe));
            var scaled = x.mul(scale);
            overflow = QuantErrorStats.OverflowCount(scaled, target);
            q = format.QuantizeDequantize(ScalarOps.ClampSymmetric(scaled, format.MaxValue)).div(scale);
        }

        var (counts, energies) = QuantErrorStats.Sums(x, q);
        using var numel = x.numel().ToScalar(); // held; full() is a kernel, tensor(value) a host->device copy (sync on CUDA)
        var integers = cat([stack([full(Array.Empty<long>(), numel, dtype: ScalarType.Int64, device: x.device), overflow]), counts]).to(ScalarType.Float64);
        return cat([integers, energies.to(ScalarType.Float64)]).MoveToOuterDisposeScope();
    }

    /// <summary>Host: [overflow, underflow, mse, sqnrDb] from one format's <see cref="RawWidth"/> raw values (NaN stays NaN).</summary>
    public static double[] Finish(ReadOnlySpan<double> raw) =>
    [
        raw[1] / Math.Max(1, raw[0]),
        QuantErrorStats.UnderflowFraction(raw[0], raw[2], raw[3]),
        QuantErrorStats.Mse(raw[0], raw[4]),
        QuantErrorStats.SqnrDb(raw[4], raw[5]),
    ];
}
