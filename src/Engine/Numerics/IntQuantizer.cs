using QuantScope.Engine.Numerics.Cpu;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// Symmetric INT-n fake quantization: scale = absmax / (2^(n-1) - 1), q = clamp(round_half_even(x / scale),
/// -2^(n-1), 2^(n-1) - 1), result q · scale, all in the input dtype. absmax is taken over the FINITE elements of each
/// scale group, so one NaN does not poison its group: a NaN element stays NaN, the others quantize normally; ±inf
/// saturate to ±absmax (or 0 when the group has no nonzero finite value). A group with absmax 0 gives zeros.
/// A contiguous float32 tensor in CPU memory takes <see cref="IntKernel"/> (per tensor two passes, per channel or
/// group one; the same float32 operations per lane, bit for bit; tested). Measured (issue 25, bench --quick
/// --numerics, 4 M values, shared 2-core machine, four runs): int8 per tensor 3.2-6.2x and int4 g128 3.3-4.9x one
/// multiply (tensor ops: 4.4-6.9x and 4.4-8.4x; one thread's CPU time 11 and 5.3 ms before, 3.1 ms each after).
/// </summary>
public static class IntQuantizer
{
    /// <summary>Quantize-dequantize <paramref name="x"/> (any shape, floating dtype).</summary>
    /// <exception cref="ArgumentException">PerGroup and the last dim is not divisible by <paramref name="groupSize"/>.</exception>
    public static Tensor QuantizeDequantize(Tensor x, IntFormat format, IntGranularity granularity, int groupSize = 0)
    {
        if (granularity == IntGranularity.PerGroup && x.dim() > 0) CheckGroups(x, groupSize);

        return IntKernel.Applies(x, granularity, groupSize)
            ? IntKernel.QuantizeDequantize(x, format.Bits, granularity, groupSize)
            : QuantizeDequantizeByTensorOps(x, format, granularity, groupSize);
    }

    /// <summary>The tensor-op route (any device and dtype; the reference of <see cref="IntKernel"/>).</summary>
    internal static Tensor QuantizeDequantizeByTensorOps(Tensor x, IntFormat format, IntGranularity granularity, int groupSize)
    {
        using var scope = NewDisposeScope();
        var shape = x.shape;
        var view = x; // the scale groups along the last dim: x itself, or [..., groups, G]
        Tensor absmax;
        if (x.dim() == 0)
        {
            absmax = x.nan_to_num(0.0, 0.0, 0.0).abs_();
        }
        else if (granularity == IntGranularity.PerTensor)
        {
            absmax = FiniteMagnitude.Max(x, null);
        }
        else if (granularity == IntGranularity.PerChannel)
        {
            absmax = FiniteMagnitude.Max(x, -1);
        }
        else
        {
            CheckGroups(x, groupSize);
            view = x.reshape([.. shape[..^1], shape[^1] / groupSize, groupSize]);
            absmax = FiniteMagnitude.Max(view, -1); // [..., groups, 1], broadcast below instead of expanded
        }

        var qmax = (1 << (format.Bits - 1)) - 1;
        // Held Scalars: a temporary one can be freed by the GC during the native call (TorchSharp 0.107).
        using var max = qmax.ToScalar();
        using var min = (-(qmax + 1)).ToScalar();
        using var zero = 0.ToScalar();
        var scale = absmax.div(max);
        var safeScale = where(scale.eq(zero), ones_like(scale), scale); // zero group: q*0 = 0 below
        var q = view.div(safeScale).round_().clamp_(min, max); // round = half to even; NaN passes
        return q.mul_(scale).reshape(shape).MoveToOuterDisposeScope();
    }

    /// <summary>Checks 16 &lt;= G &lt;= 1024.</summary>
    // A valid group size that divides the last dim, or an ArgumentException naming groupSize (both routes check first).
    private static void CheckGroups(Tensor x, int groupSize)
    {
        ValidateGroupSize(groupSize);
        if (x.shape[^1] % groupSize != 0)
            throw new ArgumentException($"Last dim {x.shape[^1]} is not divisible by groupSize {groupSize}.", nameof(groupSize));
    }

    internal static int ValidateGroupSize(int groupSize) => groupSize is >= 16 and <= 1024
        ? groupSize
        : throw new ArgumentException($"groupSize must be 16..1024, got {groupSize}.", nameof(groupSize));
}
