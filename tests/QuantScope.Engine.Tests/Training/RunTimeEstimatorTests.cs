namespace QuantScope.Engine.Tests.Training;

/// <summary>The run-time estimate from real probe steps (no wall time asserted, only what the estimate is made of).</summary>
public sealed class RunTimeEstimatorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("quantscope-estimate-").FullName;

    [Fact]
    public void Estimate_UncachedPretrain_CountsPretrainStepsAndEvaluations()
    {
        var config = TrainConfig.Tiny with { Steps = 20, Pretrain = new PretrainConfig { Steps = 10 }, EvalEvery = 5, Baseline = true };

        var estimate = RunTimeEstimator.Estimate(ConfigValidator.Require(config), new TrainerOptions { CheckpointDirectory = _folder }, CancellationToken.None);

        Assert.Equal(20, estimate.Steps);
        Assert.True(estimate.StepMillis > 0);
        Assert.Equal(10, estimate.PretrainSteps);
        Assert.True(estimate.PretrainStepMillis > 0);
        Assert.False(estimate.PretrainCached);
        Assert.Equal(5, estimate.Evaluations); // before step 0, after steps 5, 10, 15, and at the end
        Assert.Equal(20 * estimate.StepMillis + 10 * estimate.PretrainStepMillis, estimate.Total.TotalMilliseconds, 3); // TimeSpan keeps 100 ns ticks
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder)); // the probes cache and checkpoint nothing
    }

    [Fact]
    public void Estimate_CachedPretrain_NeedsNoPretrainProbe()
    {
        var config = TrainConfig.Tiny with { Steps = 8, Pretrain = new PretrainConfig { Steps = 10 } };
        File.WriteAllText(Pretrainer.CachePath(_folder, config), "cached");

        var estimate = RunTimeEstimator.Estimate(ConfigValidator.Require(config), new TrainerOptions { CheckpointDirectory = _folder }, CancellationToken.None);

        Assert.True(estimate.PretrainCached);
        Assert.Equal(0, estimate.PretrainSteps);
        Assert.Equal(0, estimate.PretrainStepMillis);
        Assert.Equal(0, estimate.Evaluations);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
