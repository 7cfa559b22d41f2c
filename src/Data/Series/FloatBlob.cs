using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace QuantScope.Data.Series;

/// <summary>float32 little-endian arrays as BLOBs. Bit-exact: NaN payloads and ±Infinity survive.</summary>
internal static class FloatBlob
{
    public const int BytesPerValue = sizeof(float);

    public static byte[] Encode(ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
            return MemoryMarshal.AsBytes(values).ToArray();
        var bytes = new byte[values.Length * BytesPerValue];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * BytesPerValue), values[i]);
        return bytes;
    }

    public static float[] Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % BytesPerValue != 0)
            throw new InvalidDataException($"A float32 blob of {bytes.Length} bytes is not a multiple of {BytesPerValue}.");
        var values = new float[bytes.Length / BytesPerValue];
        if (BitConverter.IsLittleEndian)
        {
            bytes.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
            return values;
        }
        for (var i = 0; i < values.Length; i++)
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * BytesPerValue)..]);
        return values;
    }
}
