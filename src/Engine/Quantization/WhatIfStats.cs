using QuantScope.Engine.Numerics;
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
    public static IReadOnlyList<string> Metrics { get; } =
        [Telemetry.MetricNames.OverflowFraction, Telemetry.MetricNames.UnderflowFraction, Telemetry.MetricNames.Mse, Telemetry.MetricNames.SqnrDb];

    /// <summary>The metric name of statistic <paramref name="metric"/> for format <paramref name="format"/>: <c>whatIf.FORMAT.METRIC</c>.</summary>
    public static string MetricName(string format, string metric) => $"whatIf.{format}.{metric}";

    /// <summary>[overflow, underflow, mse, sqnrDb] of <paramref name="t"/> cast to <paramref name="format"/> (0-d float32 each, stacked).</summary>
    public static Tensor Compute(Tensor t, Tensor amax, INumberFormat format)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = t.detach();
        Tensor q, overflow;
        if (format is IntFormat or MxFormat or NvFp4Format)
        {
            q = format.QuantizeDequantize(x);
            overflow = zeros(Array.Empty<long>(), dtype: ScalarType.Float32, device: x.device);
        }
        else
        {
            var target = ScaleMath.TargetMax(format);
            var safe = amax.detach().to(ScalarType.Float32);
            var scale = where(safe.gt(0).logical_and(safe.isfinite()), safe.reciprocal().mul(target), ones_like(safe));
            var scaled = x.mul(scale);
            overflow = QuantErrorStats.OverflowFraction(scaled, target);
            q = format.QuantizeDequantize(scaled.clamp(-format.MaxValue, format.MaxValue)).div(scale);
        }

        var error = QuantErrorStats.Compute(x, q);
        return cat([overflow.reshape(1), error]).MoveToOuterDisposeScope();
    }
}
