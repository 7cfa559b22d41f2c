using System.Globalization;
using QuantScope.Engine.Analysis.Laws;
using QuantScope.Web.Cli;

namespace QuantScope.Web.Tests.Cli;

/// <summary>The <c>law</c> verb in-process on string streams (no torch, no database).</summary>
public sealed class LawCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("quantscope-law-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = await QuantScopeCli.RunAsync(args, new StringReader(""), output, error);
        return (code, output.ToString(), error.ToString());
    }

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>CSV rows from <paramref name="law"/> on a grid, exact deltas.</summary>
    private static string ChenCsv(ScalingLaw law)
    {
        var lines = new List<string> { "N,D,G,P,delta" };
        foreach (var n in new[] { 1e8, 1e9, 1e10 })
        foreach (var d in new[] { 1e10, 1e12 })
        foreach (var g in new[] { 32.0, 128 })
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{n:R},{d:R},{g:R},,{law.Evaluate(new LawInput(n, d, G: g)):R}"));
        return string.Join("\n", lines) + "\n";
    }

    [Fact]
    public async Task Evaluate_ChenJson_PrintsHandComputedDelta()
    {
        // 0.1582 · 6.59933 · 4.54362 / 92.7684 = 0.0511338 (see ScalingLawTests).
        var (code, output, error) = await Run("law", "evaluate", "--law", "chen2025-w4a4", "--N", "1e9", "--D", "1e11", "--G", "128", "--json");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal(0.05113382073, json.GetProperty("delta").GetDouble(), 1e-10);
    }

    [Fact]
    public async Task Evaluate_KumarTable_ShowsDelta()
    {
        var (code, output, _) = await Run("law", "evaluate", "--law", "kumar2024-ptq", "--N", "1e9", "--D", "1e11", "--P", "4");
        Assert.Equal(0, code);
        Assert.Contains("0.0206786", output);
        Assert.Contains("P (bits)", output);
    }

    [Fact]
    public async Task Evaluate_ChenWithoutG_FailsNamingG()
    {
        var (code, _, error) = await Run("law", "evaluate", "--law", "chen2025-w4a4", "--N", "1e9", "--D", "1e11");
        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.StartsWith("--G: is required", error);
    }

    [Fact]
    public async Task Evaluate_UnknownLaw_FailsListingKnownLaws()
    {
        var (code, _, error) = await Run("law", "evaluate", "--law", "nope", "--N", "1e9", "--D", "1e11", "--G", "64");
        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Contains("chen2025-w4a4", error);
    }

    [Fact]
    public async Task Fit_CsvExactPoints_TablePrintsFittedAndPublished()
    {
        Assert.True(ScalingLaws.TryGet("chen2025-w4a4", out var law));
        var (code, output, error) = await Run("law", "fit", "--law", "chen2025-w4a4", "--points", WriteFile("points.csv", ChenCsv(law)));
        Assert.Equal("", error);
        Assert.Equal(0, code);
        Assert.Contains("published", output);
        Assert.Contains("0.7779", output); // gG fitted (exact data) and published
        Assert.Contains("12 points", output);
    }

    [Fact]
    public async Task Fit_JsonArrayPoints_JsonOutputRecoversConstants()
    {
        Assert.True(ScalingLaws.TryGet("chen2025-w16a4", out var law));
        var points = new List<object>();
        foreach (var n in new[] { 1e8, 1e9, 1e10 })
        foreach (var d in new[] { 1e10, 1e12 })
        foreach (var g in new[] { 16.0, 256 })
            points.Add(new { N = n, D = d, G = g, delta = law.Evaluate(new LawInput(n, d, G: g)) });
        var path = WriteFile("points.json", JsonSerializer.Serialize(points));

        var (code, output, _) = await Run("law", "fit", "--law", "chen2025-w16a4", "--points", path, "--json");
        Assert.Equal(0, code);
        var fit = JsonDocument.Parse(output).RootElement;
        Assert.Equal(12, fit.GetProperty("pointCount").GetInt32());
        var constants = fit.GetProperty("constants").EnumerateArray().ToList();
        for (var j = 0; j < 4; j++) Assert.Equal(law.Constants[j], constants[j].GetProperty("value").GetDouble(), 1e-6);
    }

    [Fact]
    public async Task Fit_BadCsvCell_FailsNamingLineAndColumn()
    {
        var path = WriteFile("bad.csv", "N,D,G,delta\n1e9,1e11,128,0.05\n1e9,lots,128,0.05\n");
        var (code, _, error) = await Run("law", "fit", "--law", "chen2025-w4a4", "--points", path);
        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Contains("line 3, column D", error);
    }

    [Fact]
    public async Task Fit_NegativeDelta_FailsNamingThePoint()
    {
        var path = WriteFile("neg.csv", "N,D,G,delta\n1e9,1e11,128,0.05\n1e9,1e12,128,-0.05\n");
        var (code, _, error) = await Run("law", "fit", "--law", "chen2025-w4a4", "--points", path);
        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Contains("points[1].delta must be a positive", error);
    }

    [Fact]
    public async Task Fit_MissingFile_Fails()
    {
        var (code, _, error) = await Run("law", "fit", "--law", "kumar2024-ptq", "--points", Path.Combine(_dir, "none.csv"));
        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Contains("cannot read", error);
    }
}
