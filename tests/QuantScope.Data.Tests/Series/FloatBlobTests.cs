namespace QuantScope.Data.Tests.Series;

public sealed class FloatBlobTests
{
    [Fact]
    public void EncodeDecode_EdgeValues_AreBitExact()
    {
        float[] values =
        [
            0f, -0f, 1f, -1.5f, float.Epsilon, float.MaxValue, float.MinValue,
            float.PositiveInfinity, float.NegativeInfinity, float.NaN, BitConverter.Int32BitsToSingle(unchecked((int)0xFFC0_0001)),
        ];

        var decoded = FloatBlob.Decode(FloatBlob.Encode(values));

        Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), decoded.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Encode_OneValue_IsFloat32LittleEndian()
    {
        Assert.Equal(new byte[] { 0x00, 0x00, 0xC0, 0x3F }, FloatBlob.Encode([1.5f]));
    }

    [Fact]
    public void Decode_LengthNotMultipleOfFour_Throws()
    {
        Assert.Throws<InvalidDataException>(() => FloatBlob.Decode(new byte[] { 1, 2, 3 }));
    }
}
