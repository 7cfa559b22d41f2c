using QuantScope.Engine.Analysis.Laws;
using QuantScope.Web.Sweeps;

namespace QuantScope.Web.Tests.Sweeps;

public sealed class SweepFitterTests : IAsyncLifetime
{
    private TempQuantScopeData _data = null!;

    private RunRepository Runs => _data.Runs;

    public async Task InitializeAsync() => _data = await TempQuantScopeData.CreateAsync();

    public async Task DisposeAsync() => await _data.DisposeAsync();

    private async Task<SweepDto> SweepAsync(int count = 12, bool twin = true) =>
        (await new SweepRepository(Runs).GetAsync(await SweepSeed.StoreAsync(Runs, count, twin), CancellationToken.None))!;

    private static ScalingLaw Chen => ScalingLaws.TryGet("chen2025-w4a4", out var law) ? law : throw new InvalidOperationException();

    [Fact]
    public async Task Fit_PointsFromPublishedLaw_RecoversItsConstants()
    {
        var result = SweepFitter.Fit(await SweepAsync(), Chen);

        Assert.Empty(result.Errors);
        var fit = result.Fit!;
        Assert.Equal(12, fit.PointCount);
        Assert.True(fit.RSquared > 0.95, $"R² {fit.RSquared}");
        Assert.All(fit.Constants, c => Assert.InRange(c.Published, c.Lower95, c.Upper95));
        Assert.Equal(12, result.Runs.Count);
    }

    [Fact]
    public async Task Fit_TooFewCompletedRuns_NamesTheCount()
    {
        var result = SweepFitter.Fit(await SweepAsync(count: 3), Chen);

        Assert.Null(result.Fit);
        Assert.Contains(result.Errors, e => e.Field == "runs" && e.Message.Contains("3 completed run(s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fit_NoTwin_NamesTheRunAndDelta()
    {
        var result = SweepFitter.Fit(await SweepAsync(twin: false), Chen);

        Assert.Null(result.Fit);
        Assert.Contains(result.Errors, e => e.Field == "runs[0].delta" && e.Message.Contains("baseline", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Read_SeededRun_HasNDGAndDelta()
    {
        var sweep = await SweepAsync();

        var first = sweep.Runs![0];
        Assert.Equal(["model.dModel", "steps", "quant.format"], sweep.Fields);
        Assert.Equal(16, first.Metrics.GroupSize);
        Assert.Equal(4, first.Metrics.Bits);
        Assert.Equal(50L * 4 * 32, first.Metrics.Tokens);
        Assert.True(first.Metrics.Delta > 0);
        Assert.Equal((RunStatus.Completed, 12), (sweep.Status, sweep.Completed));
    }
}
