using QuantScope.Web.Components.Charts;

namespace QuantScope.Web.Tests.Components.Charts;

public sealed class PlotColumnsTests
{
    [Fact]
    public void Header_TwoColumns_DescribesEachWithAlignedOffsets()
    {
        var columns = new PlotColumns().Add(0, "y", [1f, 2f, 3f]).Add(1, "x", [10.0, 20.0]);

        var header = JsonDocument.Parse(columns.Header()).RootElement.EnumerateArray().ToArray();

        Assert.Equal(2, header.Length);
        Assert.Equal(("y", "f32", 0, 3, 0), Describe(header[0]));
        // 3 float32 = 12 bytes, padded to 16 so that a Float64Array can view the next column in place.
        Assert.Equal(("x", "f64", 16, 2, 0), Describe(header[1]));
        Assert.Equal(1, header[1].GetProperty("trace").GetInt32());
        Assert.Equal(32, columns.ToBytes().Length);
    }

    [Fact]
    public void ToBytes_Values_AreLittleEndianFloatsAtTheirOffsets()
    {
        var bytes = new PlotColumns().Add(0, "y", [1.5f]).Add(0, "x", [-2.25]).ToBytes();

        Assert.Equal(1.5f, BitConverter.ToSingle(bytes, 0));
        Assert.Equal(-2.25, BitConverter.ToDouble(bytes, 8));
    }

    [Fact]
    public void AddRows_RaggedRows_PadsWithNaNAndCutsToWidth()
    {
        var columns = new PlotColumns().AddRows(0, "z", [[1f], [2f, 3f, 4f]], width: 2);

        var bytes = columns.ToBytes();
        var values = Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToSingle(bytes, 4 * i)).ToArray();

        Assert.Equal(4, values.Length);
        Assert.Equal(1f, values[0]);
        Assert.True(float.IsNaN(values[1]), "a layer missing from a row is NaN (drawn as a gap)");
        Assert.Equal([2f, 3f], values[2..]);
        var header = JsonDocument.Parse(columns.Header()).RootElement[0];
        Assert.Equal(("z", "f32", 0, 4, 2), Describe(header));
    }

    [Fact]
    public void Add_NaNAndInfinity_TravelUnchanged()
    {
        var bytes = new PlotColumns().Add(0, "y", [float.NaN, float.PositiveInfinity]).ToBytes();

        Assert.True(float.IsNaN(BitConverter.ToSingle(bytes, 0)));
        Assert.Equal(float.PositiveInfinity, BitConverter.ToSingle(bytes, 4));
    }

    [Fact]
    public void IsEmpty_NoColumn_True_EmptyColumn_False()
    {
        Assert.True(new PlotColumns().IsEmpty);
        Assert.False(new PlotColumns().Add(0, "x", ReadOnlySpan<double>.Empty).IsEmpty);
    }

    [Fact]
    public void Add_BadTraceOrField_ThrowsNamingIt()
    {
        Assert.Equal("trace", Assert.Throws<ArgumentOutOfRangeException>(() => new PlotColumns().Add(-1, "x", [1.0])).ParamName);
        Assert.Equal("field", Assert.Throws<ArgumentException>(() => new PlotColumns().Add(0, "", [1.0])).ParamName);
        Assert.Equal("width", Assert.Throws<ArgumentOutOfRangeException>(() => new PlotColumns().AddRows(0, "z", [], -1)).ParamName);
    }

    private static (string Field, string Type, long Offset, int Length, int Width) Describe(JsonElement c) =>
        (c.GetProperty("field").GetString()!, c.GetProperty("type").GetString()!, c.GetProperty("offset").GetInt64(),
            c.GetProperty("length").GetInt32(), c.GetProperty("width").GetInt32());
}
