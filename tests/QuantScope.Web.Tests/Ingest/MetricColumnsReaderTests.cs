using QuantScope.Web.Ingest;

namespace QuantScope.Web.Tests.Ingest;

public sealed class MetricColumnsReaderTests
{
    private static (IReadOnlyList<IngestPoint>? Points, IReadOnlyList<ConfigError> Errors) Read(string json) =>
        MetricColumnsReader.Read(JsonSerializer.Deserialize<MetricColumnsDto>(json, JsonDefaults.Options));

    [Fact]
    public void Read_RepeatedNames_OneStringPerDistinctName()
    {
        var (points, errors) = Read("""{"steps":[0,0,1,1],"names":["loss","lr","loss","lr"],"values":[1,2,3,4]}""");

        Assert.Empty(errors);
        Assert.Equal(["loss", "lr", "loss", "lr"], points?.Select(p => p.Name));
        Assert.Same(points![0].Name, points[2].Name);
        Assert.Same(points[1].Name, points[3].Name);
    }

    [Fact]
    public void Read_EscapedAndPlainSpellingsOfOneName_ReadAsTheSameName()
    {
        var (points, errors) = Read("""{"steps":[0,1,2],"names":["m\u0030","m0","caf\u00e9"],"values":[1,2,3]}""");

        Assert.Empty(errors);
        Assert.Equal(["m0", "m0", "café"], points!.Select(p => p.Name));
    }

    [Fact]
    public void Read_RoleWithAnEscapedLoneSurrogate_FieldErrorNotACrash()
    {
        // Found by the long fuzz run: comparing such a string with the known roles threw InvalidOperationException.
        var (points, errors) = Read("""
            {"steps":[1,1],"names":["amax","amax"],"layers":["a.q_proj","a.q_proj"],"roles":["weight","weigh\ud800t"],"values":[1,2]}
            """);

        Assert.Null(points);
        var error = Assert.Single(errors);
        Assert.Equal("roles[1]", error.Field);
    }

    [Fact]
    public void Read_LayerAndRoleColumns_StayAlignedWithTheirPoints()
    {
        var (points, errors) = Read("""
            {"steps":[3,3,3,4],"names":["amax","amax","loss","amax"],
             "layers":["a.q_proj","b.down_proj",null,"a.q_proj"],"roles":["weight",null,null,"grad"],"values":[1,2,3,4]}
            """);

        Assert.Empty(errors);
        Assert.Equal(
            [(3, "amax", "a.q_proj", "weight", 1f), (3, "amax", "b.down_proj", "input", 2f), (3, "loss", null, null, 3f), (4, "amax", "a.q_proj", "grad", 4f)],
            points!.Select(p => (p.Step, p.Name, p.Layer, p.Role, p.Value)));
    }

    [Fact]
    public void Read_BadNameAfterGoodOnes_NamesTheFieldAndIndex()
    {
        var (points, errors) = Read("""{"steps":[0,1,2],"names":["loss","loss","  "],"values":[1,2,3]}""");

        Assert.Null(points);
        Assert.Equal("names[2]", Assert.Single(errors).Field);
    }

    [Fact]
    public void Read_UnknownRole_NamesTheFieldAndIndex()
    {
        var (points, errors) = Read("""{"steps":[0,1],"names":["amax","amax"],"layers":["a","a"],"roles":["input","bias"],"values":[1,2]}""");

        Assert.Null(points);
        Assert.Equal("roles[1]", Assert.Single(errors).Field);
    }

    [Fact]
    public void Read_MisspeltLayersColumn_RefusedNamingTheField()
    {
        var (points, errors) = Read("""{"steps":[1],"names":["amaxCustom"],"layer":["model.layers.0.mlp.down_proj"],"values":[1]}""");

        Assert.Null(points);
        var error = Assert.Single(errors);
        Assert.Equal("layer", error.Field);
        Assert.Contains("not a known field", error.Message);
    }

    [Theory]
    [InlineData("1e39")]
    [InlineData("-3.5e38")]
    [InlineData("1e400")]
    public void Read_ValueOutsideFloat32Range_RefusedNamingTheIndex(string value)
    {
        var (points, errors) = Read($$"""{"steps":[0,1],"names":["loss","loss"],"values":[1,{{value}}]}""");

        Assert.Null(points);
        var error = Assert.Single(errors);
        Assert.Equal("values[1]", error.Field);
        Assert.Contains("float32", error.Message);
    }

    [Fact]
    public void Read_LargestFloat32AndExplicitInfinity_Accepted()
    {
        var (points, errors) = Read("""{"steps":[0,1],"names":["loss","loss"],"values":[3.4028235e38,"Infinity"]}""");

        Assert.Empty(errors);
        Assert.Equal([float.MaxValue, float.PositiveInfinity], points!.Select(p => p.Value));
    }

    [Theory]
    [InlineData("names", "\"lo\\nss\"")]
    [InlineData("layers", "\"model.layers.0\\u0007\"")]
    public void Read_ControlCharacterInAName_RefusedNamingTheIndex(string field, string name)
    {
        var names = field == "names" ? name : "\"amaxCustom\"";
        var layer = field == "layers" ? name : "\"model.layers.0\"";
        var (points, errors) = Read($$"""{"steps":[3],"names":[{{names}}],"layers":[{{layer}}],"values":[1]}""");

        Assert.Null(points);
        var error = Assert.Single(errors);
        Assert.Equal($"{field}[0]", error.Field);
        Assert.Contains("control characters", error.Message);
    }
}
