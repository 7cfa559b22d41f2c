using QuantScope.Engine.Numerics;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// The quantization op: fake quantization with a straight-through gradient. Forward = Q(x·scale)/scale, computed on a
/// detached copy; backward = identity everywhere, including saturated elements (we do not zero the gradient of clipped
/// values: the STE passes through, as in TE/torchao QAT). Implemented as <c>q + (x - x.detach())</c>: the bracket is
/// exactly 0 for finite x, so the forward value is exactly q, while its gradient to x is 1.
/// </summary>
public static class FakeQuantizer
{
    /// <summary>Fake-quantizes <paramref name="x"/> with <paramref name="scale"/> onto <paramref name="format"/>.</summary>
    /// <param name="x">Any shape, float32; may require grad.</param>
    /// <param name="scale">0-d float32 (or broadcastable) scale; multiplies x before the cast.</param>
    /// <param name="format">Target grid (the native libtorch cast is used when the format has one).</param>
    public static FakeQuantResult Apply(Tensor x, Tensor scale, FloatFormat format)
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
            using var onGrid = FloatQuantizer.QuantizeFastest(clamped, format);
            q = onGrid.div(scale); // no graph: created under no_grad, so it acts as a constant
        }

        using (q)
        using (var detached = x.detach())
        using (var zeroWithGrad = x.sub(detached))
        {
            return new FakeQuantResult(q.add(zeroWithGrad), saturation);
        }
    }
}
