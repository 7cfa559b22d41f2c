using Microsoft.AspNetCore.Hosting;

namespace QuantScope.Web.Tests.Api;

/// <summary>The early warning through the diagnosis endpoint: stored channel-ratio series, thresholds from configuration.</summary>
public sealed class OutlierGrowthDiagnosisTests(QuantScopeWebFactory factory) : IClassFixture<QuantScopeWebFactory>
{
    // FC2 (layer 1) channel ratio doubles over the 30 logged steps, no overflow; the other layers stay flat.
    private async Task<Guid> SeedAsync()
    {
        var id = await AnalysisSeed.RunAsync(factory, RunKinds.Imported, "delayed(h=16,max,margin=0)", spiky: false, steps: 0);
        var batches = Enumerable.Range(0, 30).Select(s => new MetricBatch(id, [],
        [
            new LayerPoint(s, MetricCatalog.ChannelRatio, TensorRoles.Input, [2f, 2f + s * 0.1f, 2f]),
            new LayerPoint(s, MetricCatalog.OverflowFraction, TensorRoles.Input, [0f, 0f, 0f]),
        ])).ToArray();
        await factory.Services.GetRequiredService<MetricSeriesWriter>().WriteAsync(batches, CancellationToken.None);
        return id;
    }

    [Fact]
    public async Task Diagnose_StoredRisingFc2ChannelRatio_EarlyWarningBeforeAnyOverflow()
    {
        var id = await SeedAsync();
        var body = await factory.CreateClient().GetFromJsonAsync<JsonElement>($"/api/runs/{id}/diagnosis", JsonDefaults.Options);
        var finding = Assert.Single(body.GetProperty("findings").EnumerateArray());
        Assert.Equal("outlier-growth", finding.GetProperty("detector").GetString());
        Assert.Equal(["model.layers.0.mlp.down_proj"], finding.GetProperty("layers").EnumerateArray().Select(l => l.GetString()));
        // Window: steps 10..29, line 3 → 4.9 (+63 %).
        Assert.Contains("channel ratio (max / median channel absmax) rose from 3 to 4.9 (Theil-Sen line, +63 %) over steps 10–29", finding.GetProperty("evidence").GetString());
        Assert.Contains("has not overflowed yet", finding.GetProperty("evidence").GetString());
        Assert.Equal("channelRatio", finding.GetProperty("chart").GetProperty("metric").GetString());
    }

    [Fact]
    public async Task Diagnose_GrowthThresholdRaisedInConfiguration_NoWarning()
    {
        var id = await SeedAsync();
        using var raised = factory.WithWebHostBuilder(b => b.UseSetting("Diagnosis:TrendMinGrowth", "0.7"));
        var body = await raised.CreateClient().GetFromJsonAsync<JsonElement>($"/api/runs/{id}/diagnosis", JsonDefaults.Options);
        Assert.Equal(0, body.GetProperty("findings").GetArrayLength());
    }

    [Fact]
    public void Start_TrendMinPointsAboveTheWindow_FailsNamingTheKey()
    {
        using var bad = factory.WithWebHostBuilder(b => b.UseSetting("Diagnosis:TrendMinPoints", "30"));
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => bad.CreateClient());
        Assert.Contains("Diagnosis:TrendMinPoints: must not exceed TrendWindow (20)", error.Message);
    }
}
