using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// Largest finite magnitude (NaN and ±inf count as 0) for the scale of INT, MX and NVFP4 groups, so that one NaN
/// stays a local NaN and ±inf saturate instead of poisoning their group: one pass that zeroes the non-finite values
/// (<c>nan_to_num</c>, far cheaper here than <c>isfinite</c> + <c>where</c>), an in-place abs, one reduction.
/// (TorchSharp 0.107's <c>aminmax(dim)</c> ignores the dim, so it is not used.)
/// </summary>
internal static class FiniteMagnitude
{
    /// <summary>max |x| over the finite elements: over everything (0-d) when <paramref name="dim"/> is null, else along <paramref name="dim"/>, kept.</summary>
    public static Tensor Max(Tensor x, long? dim)
    {
        using var magnitude = x.nan_to_num(0.0, 0.0, 0.0).abs_();
        return dim is { } d ? magnitude.amax([d], keepdim: true) : magnitude.max();
    }
}
