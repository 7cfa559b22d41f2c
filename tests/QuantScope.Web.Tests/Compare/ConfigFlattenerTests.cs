using QuantScope.Web.Compare;

namespace QuantScope.Web.Tests.Compare;

public sealed class ConfigFlattenerTests
{
    [Fact]
    public void Flatten_NestedObjectsArraysAndLeaves_DottedPaths()
    {
        var flat = ConfigFlattener.Flatten("""
            {"name":"a","steps":300,"learningRate":0.003,"baseline":true,"pretrain":null,
             "model":{"layers":4,"dModel":128},"tasks":["copy","count"],
             "quant":{"rules":[{"layers":"*.down_proj","format":"int8"},{"format":"e4m3"}]},"stats":{}}
            """);
        Assert.Equal("a", flat["name"]);
        Assert.Equal("300", flat["steps"]);
        Assert.Equal("0.003", flat["learningRate"]);
        Assert.Equal("true", flat["baseline"]);
        Assert.Equal("null", flat["pretrain"]);
        Assert.Equal("4", flat["model.layers"]);
        Assert.Equal("128", flat["model.dModel"]);
        Assert.Equal("[copy, count]", flat["tasks"]);
        Assert.Equal("*.down_proj", flat["quant.rules[0].layers"]);
        Assert.Equal("e4m3", flat["quant.rules[1].format"]);
        Assert.Equal("{}", flat["stats"]);
        Assert.Equal(12, flat.Count);
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData("", 0)]
    [InlineData("{}", 0)]
    public void Flatten_EmptyConfigs_NoLeaves(string? json, int count) => Assert.Equal(count, ConfigFlattener.Flatten(json).Count);

    [Fact]
    public void Flatten_NotJson_OneRootLeaf() => Assert.Equal("{oops", ConfigFlattener.Flatten("{oops")["$"]);
}
