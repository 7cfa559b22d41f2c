using Microsoft.AspNetCore.Hosting;

namespace QuantScope.Web.Tests.Api;

public sealed class DiagnosisEndpointsTests(QuantScopeWebFactory factory) : IClassFixture<QuantScopeWebFactory>
{
    [Fact]
    public async Task Diagnose_SpikyMostRecentRun_ReportsSaturationOfTheSpikyLayerWithReplayAndFix()
    {
        var id = await AnalysisSeed.RunAsync(factory, RunKinds.Imported, "delayed(h=16,most_recent,margin=0)");
        var body = await factory.CreateClient().GetFromJsonAsync<JsonElement>($"/api/runs/{id}/diagnosis", JsonDefaults.Options);
        var finding = Assert.Single(body.GetProperty("findings").EnumerateArray());
        Assert.Equal("amax-saturation", finding.GetProperty("detector").GetString());
        Assert.Equal("warning", finding.GetProperty("severity").GetString()); // 10 of 60 steps
        Assert.Equal(["model.layers.0.mlp.down_proj"], finding.GetProperty("layers").EnumerateArray().Select(l => l.GetString()));
        Assert.Contains("with max/H=64: 1.7 %", finding.GetProperty("evidence").GetString());
        Assert.Contains("historyLength 64", finding.GetProperty("fix").GetString());
        var chart = finding.GetProperty("chart");
        Assert.Equal(("saturationEvent", "input"), (chart.GetProperty("metric").GetString(), chart.GetProperty("role").GetString()));
    }

    [Fact]
    public async Task Diagnose_WarningThresholdRaisedInConfiguration_SpikyRunNoLongerFlagged()
    {
        var id = await AnalysisSeed.RunAsync(factory, RunKinds.Imported, "delayed(h=16,most_recent,margin=0)");
        using var raised = factory.WithWebHostBuilder(b => b
            .UseSetting("Diagnosis:SaturationRateWarning", "0.5")
            .UseSetting("Diagnosis:SaturationRateCritical", "0.6"));
        var body = await raised.CreateClient().GetFromJsonAsync<JsonElement>($"/api/runs/{id}/diagnosis", JsonDefaults.Options);
        Assert.Equal(0, body.GetProperty("findings").GetArrayLength()); // 17 % of steps saturate: below the raised 50 %
    }

    [Fact]
    public void Start_OutOfRangeThreshold_FailsNamingTheKey()
    {
        using var bad = factory.WithWebHostBuilder(b => b.UseSetting("Diagnosis:SpikeWindow", "1"));
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => bad.CreateClient());
        Assert.Contains("Diagnosis:SpikeWindow: must be at least 2, was 1", error.Message);
    }

    [Fact]
    public async Task Diagnose_FlatRun_NoFindings()
    {
        var id = await AnalysisSeed.RunAsync(factory, RunKinds.External, null, spiky: false);
        var body = await factory.CreateClient().GetFromJsonAsync<JsonElement>($"/api/runs/{id}/diagnosis");
        Assert.Equal(0, body.GetProperty("findings").GetArrayLength());
    }

    [Fact]
    public async Task Diagnose_UnknownRun_404()
    {
        var response = await factory.CreateClient().GetAsync($"/api/runs/{Guid.NewGuid()}/diagnosis");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
