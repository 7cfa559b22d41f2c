using QuantScope.Engine.Numerics;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// The quantization op: fake quantization with a straight-through gradient. Forward = Q(x·scale)/scale, computed on a
/// detached copy; backward = identity everywhere, including saturated elements (we do not zero the gradient of clipped
/// values: the STE passes through, as in TE/torchao QAT). Implemented as <c>q + (x - x.detach())</c>: the bracket is
/// exactly 0 for finite x, so the forward value is exactly q, while its gradient to x is 1. A tensor that does not
/// require grad (a gradient quantized in the backward pass) gets q itself.
/// </summary>
public static class FakeQuantizer
{
    /// <summary>Fake-quantizes <paramref name="x"/> with <paramref name="scale"/> onto <paramref name="format"/>.</summary>
    /// <param name="x">Any shape, float32; may require grad.</param>
    /// <param name="scale">0-d float32 (or broadcastable) scale; multiplies x before the cast.</param>
    /// <param name="format">Target element grid: FP8 through the fast (native when available) cast, others such as HiF8
    /// through <see cref="INumberFormat.QuantizeDequantize"/>. Saturation counts |x·scale| above the format max.</param>
    public static FakeQuantResult Apply(Tensor x, Tensor scale, INumberFormat format)
    {
        Tensor q;
        Tensor saturation;
        using (no_grad())
        {
            using var scaled = x.mul(scale);
            using var clamped = scaled.clamp(-format.MaxValue, format.MaxValue);
            // Elements beyond ±max are exactly those changed by the clamp (count_nonzero is far cheaper than bool.sum()).
            using var clipped = scaled.sub(clamped);
            using var count = clipped.count_nonzero();
            saturation = count.to(ScalarType.Float32).div_(Math.Max(1, x.numel()));
            using var onGrid = format is FloatFormat ff ? FloatQuantizer.QuantizeFastest(clamped, ff) : format.QuantizeDequantize(clamped);
            q = onGrid.div(scale); // no graph: created under no_grad, so it acts as a constant
        }

        if (!x.requires_grad) return new FakeQuantResult(q, saturation); // e.g. a gradient in the backward pass
        using (q)
        using (var detached = x.detach())
        using (var zeroWithGrad = x.sub(detached))
        {
            return new FakeQuantResult(q.add(zeroWithGrad), saturation);
        }
    }

    /// <summary>
    /// Fake-quantizes onto a block-scaled format (INT-n, MX, NVFP4) that computes its own scales; straight-through
    /// gradient. Saturation is 0 by construction (each block's scale comes from the block's own max).
    /// </summary>
    public static FakeQuantResult ApplyBlock(Tensor x, INumberFormat format)
    {
        Tensor q;
        using (no_grad())
        using (var detached = x.detach())
        {
            q = format.QuantizeDequantize(detached);
        }

        var none = zeros(Array.Empty<long>(), dtype: ScalarType.Float32, device: x.device);
        if (!x.requires_grad) return new FakeQuantResult(q, none);
        using (q)
        using (var detached = x.detach())
        using (var zeroWithGrad = x.sub(detached))
        {
            return new FakeQuantResult(q.add(zeroWithGrad), none);
        }
    }
}
