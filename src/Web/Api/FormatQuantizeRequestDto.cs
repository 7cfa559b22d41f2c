namespace QuantScope.Web.Api;

/// <summary>Body of <c>POST /api/formats/{name}/quantize</c>; "NaN", "Infinity" and "-Infinity" are accepted as strings.</summary>
/// <param name="Values">The values to quantize (required, at most 1,000,000).</param>
/// <param name="Scale">Multiplied in before and divided out after quantizing; finite and &gt; 0, default 1.</param>
/// <param name="GroupSize">INT only: elements per scale group, 16..1024, dividing the length; default per tensor.</param>
public sealed record FormatQuantizeRequestDto(double[]? Values, double? Scale, int? GroupSize);
