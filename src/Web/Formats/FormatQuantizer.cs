using QuantScope.Engine.Numerics;

namespace QuantScope.Web.Formats;

/// <summary>The format explorer's choice of format for a request (group size, per-tensor INT), quantized by the engine.</summary>
public static class FormatQuantizer
{
    /// <summary>
    /// The format actually applied: INT gets per-group scales when <paramref name="groupSize"/> is given, else one
    /// per-tensor scale (per channel on a flat list would be the same). Other formats ignore the group size.
    /// </summary>
    public static INumberFormat Resolve(INumberFormat format, int? groupSize) => format switch
    {
        IntFormat i when groupSize is { } g => IntFormat.PerGroup(i.Bits, g),
        IntFormat i => new IntFormat(i.Bits) { Granularity = IntGranularity.PerTensor },
        _ => format,
    };

    /// <summary>q(x · scale) / scale in order (see <see cref="ValueQuantizer"/>); inputs must pass <see cref="FormatQuantizeLimits.Validate"/>.</summary>
    public static float[] Quantize(INumberFormat format, IReadOnlyList<double> values, double scale, int? groupSize) =>
        ValueQuantizer.QuantizeDequantize(Resolve(format, groupSize), values, scale);
}
