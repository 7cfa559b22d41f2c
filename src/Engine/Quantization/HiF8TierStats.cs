using TorchSharp;
using QuantScope.Engine.Telemetry;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Where a HiF8 tensor's scaled values fall among HiF8's mantissa tiers (E = floor(log2|v|)): 3 bits for |E| ≤ 3,
/// 2 bits for |E| ≤ 7, 1 bit for |E| ≤ 15, 0 bits down to E = -22 (values below 2^-23 become 0, values from 2^16 on
/// are beyond the 1-bit tier). The device counts magnitudes into <see cref="Bins"/> bins in one bucketize pass (on the
/// CPU the fake quantizer's own kernel pass counts them, <see cref="Numerics.Cpu.FakeQuantKernel"/>, with identical
/// counts); the host turns the counts into tier fractions.
/// </summary>
public static class HiF8TierStats
{
    // Magnitude thresholds, ascending; bin b holds t[b-1] <= |v| < t[b] (bin 0: below 2^-23, bin 7: 2^16 and up).
    // Also the CPU kernel's bin edges (FakeQuantKernel counts the bins in the quantizer's own pass).
    internal static readonly float[] Thresholds =
        [MathF.Pow(2, -23), MathF.Pow(2, -15), MathF.Pow(2, -7), MathF.Pow(2, -3), MathF.Pow(2, 4), MathF.Pow(2, 8), MathF.Pow(2, 16)];

    // The thresholds as a tensor per device, made once per device (not per step): a host->device copy inside a step
    // would stall the GPU.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(DeviceType, int), Tensor> BoundariesByDevice = new();

    private static Tensor Boundaries(Device device) =>
        BoundariesByDevice.GetOrAdd((device.type, device.index), _ => tensor(Thresholds, device: device).DetachFromDisposeScope()); // once per device

    /// <summary>Number of magnitude bins (thresholds + 1).</summary>
    public const int Bins = 8;

    /// <summary>Device: int64 [<see cref="Bins"/>] counts of the scaled tensor's magnitudes per bin (NaN lands in the last bin, outside every tier).</summary>
    public static Tensor CountBins(Tensor scaled)
    {
        using var scope = NewDisposeScope();
        var magnitude = scaled.detach().abs().reshape(-1);
        var bins = magnitude.bucketize(Boundaries(scaled.device), right: true); // [N] in 0..Bins-1
        // scatter_add, not bincount: bincount sizes its output from the data's max, a host sync on CUDA.
        return zeros([Bins], dtype: ScalarType.Int64, device: scaled.device).scatter_add_(0, bins, ones_like(bins)).MoveToOuterDisposeScope();
    }

    /// <summary>Raw: the <see cref="Bins"/> counts of <see cref="CountBins"/> (-1 for other formats), written on stats steps by the quantizer.</summary>
    internal static readonly RawColumn BinCounts = new("hif8Bins", Bins);

    /// <summary>The bins and the tier columns from them (NaN for other formats, whose first bin is -1, and off stats steps).</summary>
    internal static LayerStatsGroup Group { get; } = new(
        [BinCounts],
        [
            new(MetricCatalog.Hif8Tier3Bit, (raw, _) => Tier(raw, 0)),
            new(MetricCatalog.Hif8Tier2Bit, (raw, _) => Tier(raw, 1)),
            new(MetricCatalog.Hif8Tier1Bit, (raw, _) => Tier(raw, 2)),
            new(MetricCatalog.Hif8Tier0Bit, (raw, _) => Tier(raw, 3)),
        ]);

    private static double Tier(ReadOnlySpan<double> raw, int tier) => raw[BinCounts.Offset] >= 0 // -1: not HiF8; NaN: no full stats
        ? Tiers(raw.Slice(BinCounts.Offset, BinCounts.Count), raw[RoleQuantizer.Elements.Offset])[tier]
        : double.NaN;

    /// <summary>Host: [tier3, tier2, tier1, tier0] fractions of <paramref name="elements"/> from the bin counts.</summary>
    public static double[] Tiers(ReadOnlySpan<double> bins, double elements)
    {
        var n = Math.Max(1, elements);
        // Bins 4 = [2^-3, 2^4): |E| <= 3; 3 and 5: |E| <= 7 (either side); 2 and 6: |E| <= 15; 1: E from -22 to -16.
        return [bins[4] / n, (bins[3] + bins[5]) / n, (bins[2] + bins[6]) / n, bins[1] / n];
    }
}
