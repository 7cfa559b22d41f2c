using System.Buffers.Binary;

namespace QuantScope.Engine.Model.SafeTensors;

/// <summary>
/// Bit-exact conversions between float32 and the 16-bit formats, on raw little-endian bytes. These reinterpret bits;
/// they never go through a value-converting tensor constructor (<c>torch.frombuffer</c> would convert each byte).
/// </summary>
public static class HalfBits
{
    /// <summary>bfloat16 bits -> float32: the bits become the top half of the float (exact).</summary>
    public static float Bf16ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>float32 -> bfloat16 bits, rounded to nearest even; NaN stays a quiet NaN.</summary>
    public static ushort SingleToBf16(float value)
    {
        var bits = BitConverter.SingleToInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x0040);
        var rounding = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((uint)(bits + rounding) >> 16);
    }

    /// <summary>float16 bits -> float32 (exact).</summary>
    public static float F16ToSingle(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

    /// <summary>float32 -> float16 bits, rounded to nearest even (overflow to ±inf).</summary>
    public static ushort SingleToF16(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    /// <summary>Decodes little-endian <paramref name="bytes"/> of <paramref name="dtype"/> into <paramref name="destination"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> bytes, SafeTensorDType dtype, Span<float> destination)
    {
        switch (dtype)
        {
            case SafeTensorDType.F32:
                for (var i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                break;
            case SafeTensorDType.F16:
                for (var i = 0; i < destination.Length; i++) destination[i] = F16ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]));
                break;
            default:
                for (var i = 0; i < destination.Length; i++) destination[i] = Bf16ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]));
                break;
        }
    }

    /// <summary>Encodes <paramref name="values"/> as little-endian bytes of <paramref name="dtype"/>.</summary>
    public static byte[] Encode(ReadOnlySpan<float> values, SafeTensorDType dtype)
    {
        var size = SafeTensorDTypes.ByteSize(dtype);
        var bytes = new byte[values.Length * size];
        for (var i = 0; i < values.Length; i++)
        {
            var span = bytes.AsSpan(i * size);
            switch (dtype)
            {
                case SafeTensorDType.F32: BinaryPrimitives.WriteSingleLittleEndian(span, values[i]); break;
                case SafeTensorDType.F16: BinaryPrimitives.WriteUInt16LittleEndian(span, SingleToF16(values[i])); break;
                default: BinaryPrimitives.WriteUInt16LittleEndian(span, SingleToBf16(values[i])); break;
            }
        }

        return bytes;
    }
}
