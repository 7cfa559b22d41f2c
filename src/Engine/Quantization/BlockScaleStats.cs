using QuantScope.Engine.Numerics;
using QuantScope.Engine.Telemetry;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Statistics of a block format's per-block dequantization scales (scale_inv, <see cref="BlockScaleView"/>): their
/// min, max and population std, the share of blocks whose scale sits at the scale format's min or max, and the share
/// of blocks where more than half of the nonzero values flushed to zero. The device reduces once per statistic on
/// stats steps; NaN for per-tensor formats (FP8, HiF8) and high-precision roles.
/// </summary>
public static class BlockScaleStats
{
    private static readonly Scalar NaN64 = double.NaN.ToScalar();

    /// <summary>Raw: [blocks, min, max, std of scale_inv, blocks at a scale limit, underflowed blocks].</summary>
    internal static readonly RawColumn Columns = new("blockScale", 6);

    /// <summary>The block-scale metrics (NaN where no block format quantized the role on a stats step).</summary>
    internal static LayerStatsGroup Group { get; } = new(
        [Columns],
        [
            new(MetricCatalog.ScaleInvMin, (raw, _) => raw[Columns.Offset + 1]),
            new(MetricCatalog.ScaleInvMax, (raw, _) => raw[Columns.Offset + 2]),
            new(MetricCatalog.ScaleStd, (raw, _) => raw[Columns.Offset + 3]),
            new(MetricCatalog.BlocksAtScaleLimit, (raw, _) => raw[Columns.Offset + 4] / Math.Max(1, raw[Columns.Offset])),
            new(MetricCatalog.BlockUnderflow, (raw, _) => raw[Columns.Offset + 5] / Math.Max(1, raw[Columns.Offset])),
        ]);

    /// <summary>Device: float64 [6] raw values of <paramref name="view"/> with <paramref name="q"/> the dequantized tensor (input's shape).</summary>
    public static Tensor Compute(BlockScaleView view, Tensor q)
    {
        using var scope = NewDisposeScope();
        var scales = view.ScaleInv.reshape(-1);
        using var blockCount = ((double)scales.numel()).ToScalar(); // held; full() is a kernel, not a host copy
        var device = scales.device;
        var blocks = full(Array.Empty<long>(), blockCount, dtype: ScalarType.Float64, device: device);
        var atLimit = view.AtLimit is { } limit
            ? limit.count_nonzero().to(ScalarType.Float64)
            : full(Array.Empty<long>(), NaN64, dtype: ScalarType.Float64, device: device); // INT-n: float32 scales, no limit
        // Per block: nonzero inputs vs nonzero outputs; "more than half flushed" = 2·(nx - nq) > nx.
        var nx = view.Blocks.count_nonzero([-1]);
        var nq = view.Blocked(q.detach()).count_nonzero([-1]);
        var underflowed = nx.sub(nq).mul(ScalarOps.Two).gt(nx).count_nonzero().to(ScalarType.Float64);
        var std = scales.std(unbiased: false);
        return stack([blocks, scales.min(), scales.max(), std, atLimit, underflowed]).MoveToOuterDisposeScope();
    }

    /// <summary>Device: float64 NaN [6] (no block format on this role).</summary>
    internal static Tensor NotMeasured(Device device) => full([Columns.Count], NaN64, dtype: ScalarType.Float64, device: device);
}
