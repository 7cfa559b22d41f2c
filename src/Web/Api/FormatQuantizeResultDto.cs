namespace QuantScope.Web.Api;

/// <summary>Quantize-dequantize result; non-finite values travel as "NaN", "Infinity", "-Infinity".</summary>
/// <param name="Values">q(x · scale) / scale, one per input value, float32.</param>
public sealed record FormatQuantizeResultDto(IReadOnlyList<float> Values);
