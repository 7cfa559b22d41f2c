namespace QuantScope.Web.Api;

/// <summary>
/// One number format as the API lists it. For scaled formats (INT, MX, NVFP4) the limits are of the element grid in
/// units of the scale.
/// </summary>
/// <param name="Name">Registry name, e.g. <c>e4m3</c>.</param>
/// <param name="Kind"><c>float</c>, <c>int</c> or <c>block</c>.</param>
/// <param name="Max">Largest finite magnitude.</param>
/// <param name="MinNormal">Smallest positive normal magnitude.</param>
/// <param name="MinSubnormal">Smallest positive magnitude.</param>
/// <param name="DynamicRangeBinades">log2(max / minSubnormal), binades.</param>
/// <param name="ValueCount">Representable non-negative finite values, 0 included.</param>
/// <param name="BlockScaled">Whether blocks of elements share a scale (MX, NVFP4).</param>
/// <param name="BlockSize">Elements per shared scale (MX 32, NVFP4 16); null when not block-scaled.</param>
/// <param name="Note">How the format is computed here.</param>
public sealed record FormatDto(
    string Name, string Kind, double Max, double MinNormal, double MinSubnormal, double DynamicRangeBinades,
    int ValueCount, bool BlockScaled, int? BlockSize, string Note);
