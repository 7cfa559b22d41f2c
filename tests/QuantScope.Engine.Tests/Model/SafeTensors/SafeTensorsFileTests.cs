using System.Buffers.Binary;
using System.Text;
using QuantScope.Engine.Model.SafeTensors;

namespace QuantScope.Engine.Tests.Model.SafeTensors;

public class SafeTensorsFileTests
{
    private static readonly float[] Values = [1f, -2.5f, 0.1f, 3e-5f, 65504f, -0f];

    private static byte[] File(string header, int dataBytes)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    private static string Fails(byte[] bytes) => Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.FromBytes(bytes).Dispose()).Message;

    [Theory]
    [InlineData(SafeTensorDType.F32)]
    [InlineData(SafeTensorDType.F16)]
    [InlineData(SafeTensorDType.BF16)]
    public void ReadFloat32_WrittenByWriter_RoundTripsThroughTheFormat(SafeTensorDType dtype)
    {
        var bytes = SafeTensorsWriter.ToBytes([SafeTensorData.FromFloats("a.weight", [2, 3], Values, dtype), SafeTensorData.FromFloats("b", [], [7f], dtype)],
            new Dictionary<string, string> { ["format"] = "pt" });
        using var file = SafeTensorsFile.FromBytes(bytes);
        var read = file.ReadFloat32("a.weight");
        for (var i = 0; i < Values.Length; i++)
        {
            var expected = dtype switch
            {
                SafeTensorDType.F32 => Values[i],
                SafeTensorDType.F16 => (float)(Half)Values[i],
                _ => HalfBits.Bf16ToSingle(HalfBits.SingleToBf16(Values[i])),
            };
            TensorAssert.BitEqual(expected, read[i], $"element {i}");
        }

        Assert.Equal([2L, 3L], file.Info("a.weight").Shape);
        Assert.Equal("pt", file.Header.Metadata["format"]);
        Assert.Equal(0, file.Header.DataStart % 8);
        Assert.Equal([7f], file.ReadFloat32("b"));
    }

    [Fact]
    public void ReadTensor_Bf16_ReinterpretsBitsNotByteValues()
    {
        // 1.0 in BF16 is 0x3F80: little-endian bytes 0x80, 0x3F. A value-converting load would give 128 and 63.
        var bytes = SafeTensorsWriter.ToBytes([new SafeTensorData("x", SafeTensorDType.BF16, [2], [0x80, 0x3F, 0x00, 0xC0])]);
        using var file = SafeTensorsFile.FromBytes(bytes);
        using var t = file.ReadTensor("x");
        Assert.Equal([1f, -2f], TensorAssert.Floats(t));
    }

    [Fact]
    public void Open_FileOnDisk_MemoryMapsAndReads()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("qs-st-").FullName, "model.safetensors");
        SafeTensorsWriter.WriteFile(path, [SafeTensorData.FromFloats("w", [6], Values, SafeTensorDType.F32)]);
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(Values, file.ReadFloat32("w"));
    }

    [Fact]
    public void Open_EmptyFile_ThrowsShorterThanLength()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("qs-st-").FullName, "empty.safetensors");
        System.IO.File.WriteAllBytes(path, []);
        Assert.Contains("shorter than the 8-byte header length", Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Open(path)).Message);
    }

    [Fact]
    public void FromBytes_HeaderLongerThanFile_Throws()
    {
        var bytes = File("{}", 0);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1000);
        Assert.Contains("longer than the file", Fails(bytes));
    }

    [Fact]
    public void FromBytes_AbsurdHeaderLength_Throws()
    {
        var bytes = File("{}", 0);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);
        Assert.Contains("absurd", Fails(bytes));
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "overlaps")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "belong to no tensor")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8, "belong to no tensor")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,40]}}", 8, "run past the data section")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8, "end before they begin")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "needs 12 bytes")]
    [InlineData("{\"a\":{\"dtype\":\"Q7\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "unknown dtype 'Q7'")]
    [InlineData("{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8, "dtype I64 is not supported")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "duplicate name 'a'")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]", 8, "not valid JSON")]
    [InlineData("[1, 2]", 0, "not a JSON object")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "non-negative integers")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"extra\":1}}", 8, "unexpected field 'extra'")]
    [InlineData("{\"__metadata__\":{\"k\":1}}", 0, "must be a string")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8, "too large")]
    public void FromBytes_MalformedHeader_ThrowsNamingTheProblem(string header, int dataBytes, string expected) =>
        Assert.Contains(expected, Fails(File(header, dataBytes)));

    [Fact]
    public void FromBytes_TrailingSpacesAndZeroSizedTensor_Loads()
    {
        using var file = SafeTensorsFile.FromBytes(File("{\"e\":{\"dtype\":\"F16\",\"shape\":[0,3],\"data_offsets\":[0,0]}}   ", 0));
        Assert.Empty(file.ReadFloat32("e"));
    }
}
