using QuantScope.Engine.Telemetry;
using QuantScope.Web.Cli;

namespace QuantScope.Web.Tests.Cli;

/// <summary>The CLI verbs run in-process on string streams. These tests load native torch (the quantize verb needs it).</summary>
public sealed class QuantScopeCliTests
{
    private static async Task<(int Code, string Out, string Err)> Run(string stdin, params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = await QuantScopeCli.RunAsync(args, new StringReader(stdin), output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Quantize_E4M3_RoundsSaturatesAndKeepsNaN()
    {
        var (code, output, error) = await Run("1.0625\n500\nNaN\n-0.001953125\n0.0009765625", "quantize", "--format", "e4m3");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        // 1.0625 is a tie between 1 and 1.125 -> even mantissa 1; 500 saturates to 448; 2^-9 is the smallest
        // subnormal; 2^-10 is a tie between 0 and 2^-9 -> 0.
        Assert.Equal("1\n448\nNaN\n-0.001953125\n0\n", output);
    }

    [Fact]
    public async Task Quantize_Scale_MultipliesThenDividesBack()
    {
        var (code, output, _) = await Run("300\n", "quantize", "--format", "e4m3", "--scale", "2");
        Assert.Equal(0, code);
        Assert.Equal("224\n", output); // 600 saturates to 448, / 2
    }

    [Fact]
    public async Task Quantize_InfinitiesAndBlankLines()
    {
        var (code, output, _) = await Run("\ninf\n\n  -Infinity \n+inf\n", "quantize", "--format", "E4M3");
        Assert.Equal(0, code);
        Assert.Equal("448\n-448\n448\n", output); // clamped before rounding: ±inf saturate
    }

    [Fact]
    public async Task Quantize_Int4GroupOf16_HandComputed()
    {
        // absmax 14, qmax 7 -> scale 2; x / 2 rounds half to even onto -8..7, times 2.
        var input = "14\n-7\n2\n4\n0.8\n-1.2\n6.2\n0\n10\n-14\n12.8\n5\n3\n-5\n1\n8.8\n";
        var (code, output, _) = await Run(input, "quantize", "--format", "int4", "--group-size", "16");
        Assert.Equal(0, code);
        Assert.Equal("14\n-8\n2\n4\n0\n-2\n6\n0\n10\n-14\n12\n4\n4\n-4\n0\n8\n", output);
    }

    [Fact]
    public async Task Quantize_Int4Groups_AreIndependent_AndShortLastGroupIsPadded()
    {
        // Group 1 (16 values) has absmax 70 -> scale 10; group 2 holds just 3 values (padded with zeros), absmax 7 -> scale 1.
        var first = string.Join("\n", Enumerable.Repeat("70", 15).Append("14"));
        var (code, output, _) = await Run(first + "\n7\n2.5\n-1.2\n", "quantize", "--format", "int4", "--group-size", "16");
        Assert.Equal(0, code);
        var lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal(19, lines.Length);
        Assert.Equal("10", lines[15]); // 14 / 10 = 1.4 -> 1
        Assert.Equal(["7", "2", "-1"], lines[16..]);
    }

    [Fact]
    public async Task Quantize_Mxfp4_PadsAPartialBlock()
    {
        // absmax 6 -> shared exponent 2 - emax 2 = 0, scale 1; 0.4 -> 0.5 on the E2M1 grid.
        var (code, output, _) = await Run("6\n1\n0.4\n", "quantize", "--format", "mxfp4");
        Assert.Equal(0, code);
        Assert.Equal("6\n1\n0.5\n", output);
    }

    [Fact]
    public async Task Quantize_BadLine_Exit2_NamesLine_PrintsNothing()
    {
        var (code, output, error) = await Run("1\n\nabc\n2\n", "quantize", "--format", "e4m3");
        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Equal("", output);
        Assert.Contains("line 3", error);
        Assert.Contains("abc", error);
    }

    [Fact]
    public async Task Quantize_UnknownFormat_Exit2_ListsNames()
    {
        var (code, output, error) = await Run("1\n", "quantize", "--format", "fp7");
        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Equal("", output);
        Assert.Contains("fp7", error);
        Assert.Contains("e4m3", error);
        Assert.Contains("nvfp4", error);
    }

    [Theory]
    [InlineData("quantize", "--format", "e4m3", "--group-size", "16")] // group size on a non-INT format
    [InlineData("quantize", "--format", "int4", "--group-size", "8")] // group size out of range
    [InlineData("quantize", "--format", "e4m3", "--scale", "0")]
    [InlineData("quantize")] // --format is required
    [InlineData("frobnicate")] // unknown verb
    public async Task BadUsage_Exit2(params string[] args)
    {
        var (code, output, error) = await Run("1\n", args);
        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Equal("", output);
        Assert.NotEqual("", error);
    }

    [Fact]
    public async Task Quantize_EmptyInput_PrintsNothing()
    {
        var (code, output, _) = await Run("\n\n", "quantize", "--format", "nvfp4");
        Assert.Equal(0, code);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData(true, "quantize")]
    [InlineData(true, "bench")]
    [InlineData(true, "frobnicate")]
    [InlineData(false)]
    [InlineData(false, "--urls", "http://127.0.0.1:0")]
    [InlineData(false, "--environment=Development")]
    [InlineData(false, "environment=Development")]
    public void IsVerb_OnlyBareWords(bool expected, params string[] args) =>
        Assert.Equal(expected, QuantScopeCli.IsVerb(args));

    [Fact]
    public void BenchMath_MedianAndRatio()
    {
        Assert.Equal(3, BenchMath.Median([5, 1, 3]));
        Assert.Equal(2.5, BenchMath.Median([4, 1, 2, 3]));
        Assert.Equal(2.0, BenchMath.Ratio([4, 40, 4, 3, 5], [2, 2, 1, 100, 3])); // medians 4 and 2: outliers ignored
        Assert.Throws<ArgumentException>(() => BenchMath.Median([]));
    }

    [Fact]
    public void BenchMath_StepMillis_TakesStepMsFromStep1InOrder()
    {
        var batch = new MetricBatch(Guid.NewGuid(),
            [
                new ScalarPoint(2, MetricCatalog.StepMillis, 30),
                new ScalarPoint(0, MetricCatalog.StepMillis, 900),
                new ScalarPoint(1, MetricCatalog.StepMillis, 10),
                new ScalarPoint(1, "loss", 5),
            ],
            []);
        Assert.Equal([10.0, 30.0], BenchMath.StepMillis([batch]));
    }
}
