using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Shape of an activation's distribution, cheap enough for every step: kurtosis from raw power sums (no centred
/// passes) and the ratio of the largest to the median per-channel absmax (channels = the last dimension), which is what
/// makes FC2 inputs hard to quantize. 0-d float32 device tensors; nothing syncs.
/// </summary>
public static class DistributionStats
{
    /// <summary>
    /// Pearson kurtosis m4 / m2² (3 for a normal distribution, 1.8 for a uniform one) over all elements, from
    /// Σx, Σx², Σx³, Σx⁴ combined in float64. NaN for a constant tensor.
    /// </summary>
    public static Tensor Kurtosis(Tensor x)
    {
        using var scope = NewDisposeScope();
        var flat = x.detach().reshape(-1);
        var n = (double)Math.Max(1, flat.numel());
        var square = flat.mul(flat);
        var sums = stack([flat.sum(), square.sum(), square.dot(flat), square.dot(square)]).to(ScalarType.Float64).div_(n);
        var (m1, m2raw, m3raw, m4raw) = (sums[0], sums[1], sums[2], sums[3]);
        var mean2 = m1.mul(m1);
        var variance = m2raw.sub(mean2);
        // m4 = E[x⁴] - 4μE[x³] + 6μ²E[x²] - 3μ⁴
        var m4 = m4raw.sub(m1.mul(m3raw).mul_(4)).add_(mean2.mul(m2raw).mul_(6)).sub_(mean2.mul(mean2).mul_(3));
        return m4.div(variance.mul(variance)).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>max over channels of the channel absmax / its median over channels (1 when all channels are alike).</summary>
    public static Tensor ChannelRatio(Tensor x)
    {
        using var scope = NewDisposeScope();
        var channels = x.shape[^1];
        var perChannel = x.detach().reshape(-1, channels).abs().amax([0]); // [C]
        return perChannel.max().div(perChannel.median()).MoveToOuterDisposeScope();
    }

    /// <summary>The <paramref name="k"/> channels with the largest absmax: (values [k], channel indices [k] as float32), largest first.</summary>
    public static (Tensor Values, Tensor Channels) TopChannels(Tensor x, int k)
    {
        using var scope = NewDisposeScope();
        var channels = x.shape[^1];
        var perChannel = x.detach().reshape(-1, channels).abs().amax([0]);
        var (values, indices) = perChannel.topk((int)Math.Min(k, channels));
        return (values.MoveToOuterDisposeScope(), indices.to(ScalarType.Float32).MoveToOuterDisposeScope());
    }
}
