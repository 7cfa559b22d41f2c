using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// Largest finite magnitude (NaN and ±inf count as 0) for the scale of INT, MX and NVFP4 groups, so that one NaN
/// stays a local NaN and ±inf saturate instead of poisoning their group: one pass that zeroes the non-finite values
/// (<c>nan_to_num</c>, far cheaper here than <c>isfinite</c> + <c>where</c>), an in-place abs, one reduction.
/// (TorchSharp 0.107's <c>aminmax(dim)</c> ignores the dim, so it is not used.) Along a last dim shorter than 32 (NVFP4's
/// 16) the reduction is a max pool over the rows: libtorch's <c>amax</c> over 16 contiguous values took about 8 times
/// as long as over 32 on this CPU (issue 25); the pool gives the same maxima.
/// </summary>
internal static class FiniteMagnitude
{
    /// <summary>max |x| over the finite elements: over everything (0-d) when <paramref name="dim"/> is null, else along <paramref name="dim"/>, kept.</summary>
    public static Tensor Max(Tensor x, long? dim)
    {
        using var magnitude = x.nan_to_num(0.0, 0.0, 0.0).abs_();
        if (dim is not { } d) return magnitude.max();
        var rank = x.dim();
        return rank > 0 && (d == -1 || d == rank - 1) && x.shape[^1] is > 1 and < 32 && x.numel() > 0
            ? PoolLastDim(magnitude)
            : magnitude.amax([d], keepdim: true);
    }

    // amax over the last dim as a max pool with kernel and stride of that dim, over rows of up to 256 groups (one row
    // per group, or one row of all of them, took about three times as long).
    private static Tensor PoolLastDim(Tensor magnitude)
    {
        var shape = magnitude.shape;
        var size = shape[^1];
        var groups = magnitude.numel() / size;
        var perRow = 256L;
        while (groups % perRow != 0) perRow /= 2;
        using var rows = magnitude.reshape(-1, 1, perRow * size);
        using var pooled = nn.functional.max_pool1d(rows, size, size);
        return pooled.reshape([.. shape[..^1], 1]);
    }
}
