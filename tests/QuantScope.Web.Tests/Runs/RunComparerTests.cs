using QuantScope.Web.Cli;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Tests.Runs;

public sealed class RunComparerTests : IAsyncLifetime
{
    private TempQuantScopeData _data = default!;
    private Guid _a;
    private Guid _b;

    public async Task InitializeAsync()
    {
        _data = await TempQuantScopeData.CreateAsync();
        _a = await _data.CreateRunAsync();
        _b = await _data.CreateRunAsync();
        // Common steps 0..3; A also has step 4, which B lacks.
        await _data.Writer.WriteAsync(
        [
            new MetricBatch(_a, [.. new[] { 2.0f, 1.1f, 0.9f, 3.0f, 7f }.Select((v, i) => new ScalarPoint(i, MetricCatalog.Loss, v))], []),
            new MetricBatch(_b, [.. new[] { 2.0f, 1.0f, 1.0f, 2.5f }.Select((v, i) => new ScalarPoint(i, MetricCatalog.Loss, v))], []),
        ], CancellationToken.None);
    }

    public async Task DisposeAsync() => await _data.DisposeAsync();

    [Fact]
    public async Task Compare_HandComputedApe_OverCommonSteps()
    {
        var comparer = new RunComparer(_data.Runs, _data.Series);
        var (result, field, _) = await comparer.CompareAsync(_a, _b, MetricCatalog.Loss, 2, CancellationToken.None);
        Assert.Null(field);
        // Per step: 0 %, 10 %, 10 %, 20 % (float32 inputs: 1.1f and 0.9f are not exact).
        Assert.Equal(4, result!.LossApe.Steps);
        Assert.Equal(10.0, result.LossApe.MeanPct, 4);
        Assert.Equal(15.0, result.LossApe.LastPct, 4);
    }

    [Fact]
    public async Task Compare_UnknownRunOrNoCommonSteps_NamesTheField()
    {
        var comparer = new RunComparer(_data.Runs, _data.Series);
        Assert.Equal("baseline", (await comparer.CompareAsync(_a, Guid.NewGuid(), MetricCatalog.Loss, 10, CancellationToken.None)).Field);
        Assert.Equal("metric", (await comparer.CompareAsync(_a, _b, "lr", 10, CancellationToken.None)).Field);
        Assert.Equal("last", (await comparer.CompareAsync(_a, _b, MetricCatalog.Loss, 0, CancellationToken.None)).Field);
    }

    [Fact]
    public async Task CompareVerb_JsonLine_MatchesTheComparer()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await QuantScopeCli.RunAsync(["compare", "--run", _a.ToString(), "--baseline", _b.ToString(), "--last", "2", "--db", _data.Path, "--json"],
            TextReader.Null, stdout, stderr);
        Assert.True(code == 0, stderr.ToString());
        var ape = JsonDocument.Parse(stdout.ToString().Trim().Split('\n')[^1]).RootElement.GetProperty("lossApe");
        Assert.Equal(10.0, ape.GetProperty("meanPct").GetDouble(), 4);
        Assert.Equal(15.0, ape.GetProperty("lastPct").GetDouble(), 4);
        Assert.Equal(4, ape.GetProperty("steps").GetInt32());

        var bad = await QuantScopeCli.RunAsync(["compare", "--run", "nope", "--baseline", _b.ToString(), "--db", _data.Path], TextReader.Null, stdout, stderr);
        Assert.Equal(QuantScopeCli.UsageError, bad);
        Assert.Contains("--run", stderr.ToString());
    }
}
