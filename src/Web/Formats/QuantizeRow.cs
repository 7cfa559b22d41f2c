namespace QuantScope.Web.Formats;

/// <summary>One row of the page's quantize table.</summary>
/// <param name="Input">The value as parsed.</param>
/// <param name="Quantized">q(x · scale) / scale.</param>
/// <param name="AbsoluteError">|quantized - input|; NaN when either is NaN or both are the same infinity.</param>
/// <param name="RelativeError">|quantized - input| / |input|; null when the input is 0 or not finite.</param>
public sealed record QuantizeRow(double Input, double Quantized, double AbsoluteError, double? RelativeError)
{
    /// <summary>Pairs inputs with results and computes the errors.</summary>
    public static IReadOnlyList<QuantizeRow> Of(IReadOnlyList<double> inputs, IReadOnlyList<float> quantized) =>
        inputs.Select((x, i) =>
        {
            double q = quantized[i];
            var abs = Math.Abs(q - x); // inf - inf = NaN: no meaningful error there
            return new QuantizeRow(x, q, abs, x != 0 && double.IsFinite(x) ? abs / Math.Abs(x) : null);
        }).ToList();
}
