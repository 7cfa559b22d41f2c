using QuantScope.Bench.Diagnostics;
using QuantScope.Bench.Shared;

namespace QuantScope.Bench.Tests.Diagnostics;

/// <summary>The parent's reading of the diagnostics child's output (pure; the child itself trains, so it runs in the bench only).</summary>
public sealed class DiagnosticsChildTests
{
    [Fact]
    public void Parse_GroupsByModelInOrder()
    {
        var output = "noise\nSAMPLES demo 0 100 101.5\r\nSAMPLES demo 1 110 111\nSAMPLES small 0 400\nSAMPLES small 1 420.25\n";
        var models = DiagnosticsChild.Parse(output);

        Assert.Equal(["demo", "small"], models.Select(m => m.Model));
        Assert.Equal([100, 101.5], models[0].Samples[0]);
        Assert.Equal([110, 111], models[0].Samples[1]);
        Assert.Equal([420.25], models[1].Samples[1]);
    }

    [Fact]
    public void Parse_RoundTripsEveryDouble()
    {
        var value = 412.34567891234567;
        var models = DiagnosticsChild.Parse($"SAMPLES small 0 {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}");
        Assert.Equal(value, models[0].Samples[0][0]);
    }

    [Theory]
    [InlineData("SAMPLES demo x 1 2")]
    [InlineData("SAMPLES demo 1 100")] // variant 1 before variant 0
    [InlineData("SAMPLES demo 0 1,5")]
    public void Parse_MalformedLine_Throws(string output) =>
        Assert.Throws<FormatException>(() => DiagnosticsChild.Parse(output));

    [Fact]
    public void Parse_NoSamples_IsEmpty() => Assert.Empty(DiagnosticsChild.Parse("usage: ..."));

    [Fact]
    public void Arguments_RoundTripTheDiagnosticsPartOfAnyPlan()
    {
        var custom = BenchPlan.Full with { DiagnosticsRounds = 3, DiagnosticsModels = [("tiny", 20)] };
        foreach (var plan in new[] { BenchPlan.Quick, BenchPlan.Full, custom })
        {
            var back = DiagnosticsChild.PlanOf(DiagnosticsChild.Arguments(plan));
            Assert.Equal(plan.DiagnosticsRounds, back.DiagnosticsRounds);
            Assert.Equal(plan.DiagnosticsModels, back.DiagnosticsModels);
        }

        Assert.Equal(["3", "tiny:20"], DiagnosticsChild.Arguments(custom));
    }

    [Theory]
    [InlineData("2")]
    [InlineData("x", "small:10")]
    [InlineData("2", "small")]
    [InlineData("2", "small:-1")]
    [InlineData("2", ":10")]
    public void PlanOf_MalformedArguments_Throws(params string[] args) =>
        Assert.Throws<FormatException>(() => DiagnosticsChild.PlanOf(args));
}
