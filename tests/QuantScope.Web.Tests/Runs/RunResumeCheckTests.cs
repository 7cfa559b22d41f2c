using System.Threading.Channels;
using QuantScope.Engine.Training;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Tests.Runs;

/// <summary>Which stored runs may resume: a real 4-step run with checkpoints every 2 steps, recorded as different run rows.</summary>
public sealed class RunResumeCheckTests : IDisposable
{
    private static readonly TrainConfig Config = TrainConfig.Tiny with { Steps = 4, CheckpointEvery = 2, BatchSize = 2, SeqLen = 16 };
    private readonly string _folder = Directory.CreateTempSubdirectory("quantscope-resume-check-").FullName;
    private readonly Guid _id = Guid.NewGuid();

    public RunResumeCheckTests()
    {
        using var trainer = new Trainer(ConfigValidator.Require(Config), new TrainerOptions { CheckpointDirectory = _folder });
        trainer.Run(_id, Channel.CreateUnbounded<MetricBatch>().Writer, CancellationToken.None); // latest state: after step 4
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private RunEntity Run(RunStatus status, int lastStep, TrainConfig? config = null, string kind = RunKinds.Engine) => new()
    {
        Id = _id, Name = "r", Kind = kind, Status = status, LastStep = lastStep,
        ConfigJson = JsonSerializer.Serialize(config ?? Config, JsonDefaults.Options),
    };

    [Fact]
    public void Check_InterruptedWithPointsUpToTheCheckpoint_ReturnsStoredConfigAndStep()
    {
        var (config, step) = RunResumeCheck.Check(Run(RunStatus.Interrupted, lastStep: 3), active: false, _folder);

        Assert.Equal(4, step);
        Assert.Equal(Config.LearningRate, config.Config.LearningRate);
        Assert.Equal(Config.Steps, config.Config.Steps);
    }

    [Theory]
    [InlineData(RunStatus.Completed, "completed")]
    [InlineData(RunStatus.Running, "running")]
    public void Check_NotEnded_RefusedSayingTheStatus(RunStatus status, string expected)
    {
        var error = Assert.Throws<RunResumeException>(() => RunResumeCheck.Check(Run(status, 3), active: false, _folder));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_PointsEndBeforeTheCheckpoint_RefusedNamingTheGap()
    {
        var error = Assert.Throws<RunResumeException>(() => RunResumeCheck.Check(Run(RunStatus.Failed, lastStep: 1), active: false, _folder));
        Assert.Contains("steps 2..3 without points", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ConfigChangedOrExternalOrActive_RefusedSayingWhy()
    {
        var changed = Assert.Throws<RunResumeException>(() => RunResumeCheck.Check(Run(RunStatus.Cancelled, 3, Config with { Seed = 2 }), active: false, _folder));
        Assert.Contains("configHash", changed.Message, StringComparison.Ordinal);
        var external = Assert.Throws<RunResumeException>(() => RunResumeCheck.Check(Run(RunStatus.Interrupted, 3, kind: RunKinds.External), active: false, _folder));
        Assert.Contains("external", external.Message, StringComparison.Ordinal);
        var active = Assert.Throws<RunResumeException>(() => RunResumeCheck.Check(Run(RunStatus.Interrupted, 3), active: true, _folder));
        Assert.Contains("training now", active.Message, StringComparison.Ordinal);
    }
}
