using System.Numerics;
using System.Runtime.CompilerServices;

namespace QuantScope.Engine.Numerics.Cpu;

/// <summary>
/// HiF8 rounding of values first clamped to ±2^15, as the fake quantizer does (its clamp counts the overflow): ±max
/// beyond it (2^15 is on the grid), <see cref="HiF8Kernel.Grid"/> within; so no value becomes inf. NaN stays NaN.
/// </summary>
internal readonly struct SaturatingHiF8Rounding : IVectorRounding
{
    private const float Max = 32768f;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<float> Round(Vector<float> x)
    {
        var max = Vector.AsVectorSingle(Vector.AsVectorUInt32(new Vector<float>(Max)) | (Vector.AsVectorUInt32(x) & new Vector<uint>(0x8000_0000u)));
        return Vector.ConditionalSelect(Vector.GreaterThan(Vector.Abs(x), new Vector<float>(Max)), max, default(HiF8Kernel.Grid).Round(x));
    }
}
