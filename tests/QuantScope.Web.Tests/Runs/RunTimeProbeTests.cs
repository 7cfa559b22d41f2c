using QuantScope.Engine.Training;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Tests.Runs;

/// <summary>The new-run form's time probe, as the app registers it (no wall time asserted).</summary>
public sealed class RunTimeProbeTests(QuantScopeWebFactory factory) : IClassFixture<QuantScopeWebFactory>
{
    [Fact]
    public async Task EstimateAsync_TinyConfig_TimesItsSteps()
    {
        var probe = factory.Services.GetRequiredService<RunTimeProbe>();

        var estimate = await probe.EstimateAsync(ConfigValidator.Require(TrainConfig.Tiny with { Steps = 7 }), CancellationToken.None);

        Assert.Equal(7, estimate.Steps);
        Assert.True(estimate.StepMillis > 0);
        Assert.Equal(0, estimate.PretrainSteps);
    }

    [Fact]
    public async Task EstimateAsync_Cancelled_ThrowsWithoutProbing()
    {
        var probe = factory.Services.GetRequiredService<RunTimeProbe>();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe.EstimateAsync(ConfigValidator.Require(TrainConfig.Tiny), cts.Token));
    }
}
