using QuantScope.Engine.Analysis.Laws;
using QuantScope.Web.Sweeps;

namespace QuantScope.Web.Tests.Sweeps;

public sealed class SweepChartsTests : IAsyncLifetime
{
    private TempQuantScopeData _data = null!;
    private SweepDto _sweep = null!;

    public async Task InitializeAsync()
    {
        _data = await TempQuantScopeData.CreateAsync();
        _sweep = (await new SweepRepository(_data.Runs).GetAsync(await SweepSeed.StoreAsync(_data.Runs), CancellationToken.None))!;
    }

    public async Task DisposeAsync() => await _data.DisposeAsync();

    [Fact]
    public void MetricTraces_ThreeFieldGrid_OneTracePerCombinationOfTheOthers()
    {
        var traces = SweepCharts.MetricTraces(_sweep, "delta", "quant.format");

        Assert.Equal(4, traces.Count); // 2 widths × 2 step counts
        Assert.Equal("model.dModel=32 steps=50", traces[0].Name);
        Assert.Equal(["int4-g16", "int4-g32", "int4-g64"], traces[0].X);
        Assert.All(traces[0].Y, y => Assert.True(y > 0));
    }

    [Fact]
    public void MetricTraces_NumericField_XAreNumbers()
    {
        var traces = SweepCharts.MetricTraces(_sweep, "tokens", "steps");

        Assert.All(traces, t => Assert.Equal([50.0, 200.0], t.X));
        Assert.Equal([50.0 * 128, 200.0 * 128], traces[0].Y);
    }

    [Fact]
    public void FitTraces_ChenFit_ObservedThenFitThenPublishedCurves()
    {
        ScalingLaws.TryGet("chen2025-w4a4", out var law);
        var fit = SweepFitter.Fit(_sweep, law).Fit!;

        var traces = SweepCharts.FitTraces(_sweep, fit, law);

        Assert.Equal(3, traces.Count);
        Assert.Equal((12, false), (traces[0].Y.Count, traces[0].Lines));
        Assert.StartsWith("published chen2025-w4a4", traces[2].Name, StringComparison.Ordinal);
        // The seed's deltas come from the published law: the fitted curve lies on it within a few percent.
        for (var i = 0; i < traces[1].Y.Count; i++) Assert.Equal(traces[2].Y[i]!.Value, traces[1].Y[i]!.Value, traces[2].Y[i]!.Value * 0.05);
    }
}
