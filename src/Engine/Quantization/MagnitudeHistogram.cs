using System.Collections.Concurrent;
using QuantScope.Engine.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Magnitude histogram of the scaled values a format sees (|x·scale| for per-tensor formats, |x / scale_inv| of each
/// block for block formats): the share of elements per bin of <see cref="MagnitudeBins"/> (zero, under, one bin per
/// power of two from the smallest subnormal's exponent to the max's, over). The device counts them from the values' binary
/// exponents (frexp) and one scatter_add on stats steps (no host sync); bins outside the format's range stay NaN (not measured).
/// </summary>
public static class MagnitudeHistogram
{
    private static readonly Scalar NaN64 = double.NaN.ToScalar(), FloatMax = float.MaxValue.ToScalar(), OneCount = 1L.ToScalar();

    // Per format and device, made once (not per step): a host->device copy inside a step would stall the GPU.
    private static readonly ConcurrentDictionary<(string, DeviceType, int), Tensor> BoundariesByFormat = new();

    /// <summary>Raw: the bin counts over <see cref="MagnitudeBins.AllMetrics"/> (NaN outside the format's bins), written on stats steps by the quantizer.</summary>
    internal static readonly RawColumn Counts = new("magHist", MagnitudeBins.AllMetrics.Count);

    /// <summary>One column per bin: its count / elements (the shares sum to 1 over the format's bins; NaN elsewhere).</summary>
    internal static LayerStatsGroup Group { get; } = new(
        [Counts],
        [.. MagnitudeBins.AllMetrics.Select((metric, i) => new LayerStat(metric, (raw, _) => raw[Counts.Offset + i] / Math.Max(1, raw[RoleQuantizer.Elements.Offset])))]);

    /// <summary>
    /// Device: float64 [<see cref="MagnitudeBins.AllMetrics"/>.Count] element counts of |<paramref name="scaled"/>| per bin of
    /// <paramref name="format"/>, placed at the bins' columns of the union; the other columns NaN.
    /// </summary>
    public static Tensor Count(Tensor scaled, INumberFormat format)
    {
        using var scope = NewDisposeScope();
        var device = scaled.device;
        var n = MagnitudeBins.Thresholds(format).Length + 1;
        // scatter_add, not bincount: bincount sizes its output from the data's max, a host sync on CUDA.
        var counts = (scaled.dtype == ScalarType.Float32 ? ByExponent(scaled, format, n) : ByThresholds(scaled, format, n)).to(ScalarType.Float64);
        var below = MagnitudeBins.MinExponent(format) - MagnitudeBins.UnionMinExponent;
        var above = MagnitudeBins.UnionMaxExponent - MagnitudeBins.MaxExponent(format);
        var parts = new List<Tensor> { counts.narrow(0, 0, 2) }; // zero, under
        if (below > 0) parts.Add(full([below], NaN64, dtype: ScalarType.Float64, device: device));
        parts.Add(counts.narrow(0, 2, n - 3)); // the powers of two
        if (above > 0) parts.Add(full([above], NaN64, dtype: ScalarType.Float64, device: device));
        parts.Add(counts.narrow(0, n - 1, 1)); // over
        return cat(parts).MoveToOuterDisposeScope();
    }

    // float32: the bin from the binary exponent (frexp: |v| = m·2^e, m in [0.5, 1), so floor(log2|v|) = e - 1, exact for
    // subnormals too), clamped into under..the last power bin, counted with one scatter_add. Two counts then move the
    // zeros (frexp gives them e = 0: a known bin) into bin 0 and |v| > max into over: finite ones sit in the last power
    // bin after the clamp, and so do ±inf and NaN, replaced by float.MaxValue (exponent 128) before frexp, whose
    // exponent of a non-finite value is unspecified. The same bins as the thresholds' bucketize
    // (MagnitudeBins.Thresholds), several times cheaper on CPU; the int32 exponents and two counts replace two masks.
    private static Tensor ByExponent(Tensor scaled, INumberFormat format, long n)
    {
        var magnitude = scaled.detach().abs().reshape(-1);
        var device = magnitude.device;
        using var elements = magnitude.numel().ToScalar(); // held, as the rest
        using var max = ((float)format.MaxValue).ToScalar();
        var shiftValue = 1 - MagnitudeBins.MinExponent(format); // e - 1 = min -> bin 2
        using var shift = shiftValue.ToScalar();
        using var last = ((int)n - 2).ToScalar();
        var zeroCount = magnitude.count_nonzero().neg_().add_(elements, ScalarOps.One);
        var overCount = magnitude.le(max).count_nonzero().neg_().add_(elements, ScalarOps.One); // NaN is not <= max: over
        var finite = magnitude.fmin(full(Array.Empty<long>(), FloatMax, dtype: ScalarType.Float32, device: device));
        var bins = finite.frexp().Exponent.add_(shift, ScalarOps.One).clamp_(ScalarOps.One, last).to(ScalarType.Int64);
        var counts = zeros([n], dtype: ScalarType.Int64, device: device);
        using (var one = full([1], OneCount, dtype: ScalarType.Int64, device: device))
        using (var ones = one.expand(bins.shape)) // one held value for every element: no [N] tensor of ones
            counts.scatter_add_(0, bins, ones);
        var zeroBin = Math.Clamp(shiftValue, 1, (int)n - 2);
        counts.narrow(0, zeroBin, 1).sub_(zeroCount);
        counts.narrow(0, 0, 1).add_(zeroCount, ScalarOps.One);
        counts.narrow(0, n - 2, 1).sub_(overCount);
        counts.narrow(0, n - 1, 1).add_(overCount, ScalarOps.One);
        return counts;
    }

    // Other dtypes: a right-closed bucketize of |v| against the format's float32 thresholds.
    private static Tensor ByThresholds(Tensor scaled, INumberFormat format, long n)
    {
        var device = scaled.device;
        var boundaries = BoundariesByFormat.GetOrAdd((format.Name, device.type, device.index),
            _ => tensor(MagnitudeBins.Thresholds(format), device: device).DetachFromDisposeScope()); // once per device (and format)
        var bins = scaled.detach().abs().reshape(-1).bucketize(boundaries, right: true); // [N] in 0..thresholds
        return zeros([n], dtype: ScalarType.Int64, device: device).scatter_add_(0, bins, ones_like(bins));
    }

    /// <summary>Device: float64 NaN [<see cref="MagnitudeBins.AllMetrics"/>.Count] (nothing measured).</summary>
    internal static Tensor NotMeasured(Device device) => full([Counts.Count], NaN64, dtype: ScalarType.Float64, device: device);
}
