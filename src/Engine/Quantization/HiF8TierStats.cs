using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Where a HiF8 tensor's scaled values fall among HiF8's mantissa tiers (E = floor(log2|v|)): 3 bits for |E| ≤ 3,
/// 2 bits for |E| ≤ 7, 1 bit for |E| ≤ 15, 0 bits down to E = -22 (values below 2^-23 become 0, values from 2^16 on
/// are beyond the 1-bit tier). Fractions of all elements, 0-d float32 device tensors.
/// </summary>
public static class HiF8TierStats
{
    // Magnitude thresholds, ascending: counting |v| >= t for each turns the tiers into differences of counts.
    private static readonly double[] Thresholds =
        [Math.Pow(2, -23), Math.Pow(2, -15), Math.Pow(2, -7), Math.Pow(2, -3), Math.Pow(2, 4), Math.Pow(2, 8), Math.Pow(2, 16)];

    /// <summary>[tier3, tier2, tier1, tier0] fractions of the scaled tensor <paramref name="scaled"/>.</summary>
    public static Tensor Compute(Tensor scaled)
    {
        using var scope = NewDisposeScope();
        var magnitude = scaled.detach().abs().reshape(-1);
        var counts = stack(Thresholds.Select(t => magnitude.ge(t).count_nonzero()).ToArray()).to(ScalarType.Float32); // [7]
        var c = Enumerable.Range(0, Thresholds.Length).Select(i => counts[i]).ToArray();
        var tier3 = c[3].sub(c[4]);
        var tier2 = c[2].sub(c[3]).add(c[4].sub(c[5]));
        var tier1 = c[1].sub(c[2]).add(c[5].sub(c[6]));
        var tier0 = c[0].sub(c[1]);
        return stack([tier3, tier2, tier1, tier0]).div_(Math.Max(1, magnitude.numel())).MoveToOuterDisposeScope();
    }
}
