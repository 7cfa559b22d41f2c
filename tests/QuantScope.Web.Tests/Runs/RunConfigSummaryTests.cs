using QuantScope.Web.Runs;

namespace QuantScope.Web.Tests.Runs;

public sealed class RunConfigSummaryTests
{
    [Theory]
    [InlineData("""{"steps": 300}""", 300)]
    [InlineData("""{"name": "x"}""", 0)]
    [InlineData("""{"steps": "many"}""", 0)]
    [InlineData("[1]", 0)]
    [InlineData("{broken", 0)]
    [InlineData("", 0)]
    [InlineData(null, 0)]
    public void Steps_AnyConfig_ReadsStepsOrZero(string? json, int expected) =>
        Assert.Equal(expected, RunConfigSummary.Steps(json));
}
