using QuantScope.Engine.Training.Sweeps;

namespace QuantScope.Engine.Tests.Training.Sweeps;

public sealed class SweepConfigParserTests
{
    [Fact]
    public void Parse_FullBody_KeepsNameBaseWorkersAndGridOrder()
    {
        var (sweep, errors) = SweepConfigParser.Parse("""{"name":"wd","base":{"steps":3},"grid":{"weightDecay":[0,0.1],"quant.preset":["a"]},"workers":2}""");

        Assert.Empty(errors);
        Assert.Equal(("wd", 2, 3), (sweep!.Name, sweep.Workers, sweep.Base["steps"]!.GetValue<int>()));
        Assert.Equal(["weightDecay", "quant.preset"], sweep.Grid.Select(a => a.Field));
        Assert.Equal(2L, sweep.RunCount);
    }

    [Theory]
    [InlineData("not json", "$")]
    [InlineData("[1]", "$")]
    [InlineData("""{"grid":{"steps":5}}""", "grid.steps")]
    [InlineData("""{"grid":[1]}""", "grid")]
    [InlineData("""{"base":3}""", "base")]
    [InlineData("""{"workers":"two"}""", "workers")]
    [InlineData("""{"runs":[]}""", "runs")]
    public void Parse_BadShape_NamesTheField(string json, string field)
    {
        var (sweep, errors) = SweepConfigParser.Parse(json);

        Assert.Null(sweep);
        Assert.Contains(errors, e => e.Field == field);
    }
}
