using System.Threading.Channels;

namespace QuantScope.Engine.Tests.Training;

public sealed class CheckpointWriterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("quantscope-ck-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Guid Train(TrainConfig config)
    {
        using var trainer = new Trainer(ConfigValidator.Require(config), new TrainerOptions { CheckpointDirectory = _folder });
        var id = Guid.NewGuid();
        trainer.Run(id, Channel.CreateUnbounded<MetricBatch>().Writer, CancellationToken.None);
        return id;
    }

    [Fact]
    public void AfterStep_EveryTwoOfFiveSteps_SavesSteps2And4AndTheLastWithTokensInTheManifest()
    {
        var id = Train(TrainConfig.Tiny with { Steps = 5, CheckpointEvery = 2, Quant = null });

        var manifest = CheckpointWriter.ReadManifest(_folder, id);
        Assert.Equal([2, 4, 5], manifest.Select(c => c.Step));
        Assert.Equal([2L * 4 * 32, 4L * 4 * 32, 5L * 4 * 32], manifest.Select(c => c.TokensSeen)); // steps x batch 4 x seqLen 32
        Assert.Equal(["step-2.qsck", "step-4.qsck", "step-5.qsck"], manifest.Select(c => c.File));
        var folder = CheckpointWriter.RunFolder(_folder, id);
        Assert.All(manifest, c => Assert.True(File.Exists(Path.Combine(folder, c.File))));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [Fact]
    public void AfterStep_LastCheckpoint_HoldsTheTrainedWeights()
    {
        var config = TrainConfig.Tiny with { Steps = 3, CheckpointEvery = 3, Quant = null };
        using var trainer = new Trainer(ConfigValidator.Require(config), new TrainerOptions { CheckpointDirectory = _folder });
        var id = Guid.NewGuid();
        trainer.Run(id, Channel.CreateUnbounded<MetricBatch>().Writer, CancellationToken.None);

        using var loaded = new QuantScope.Engine.Model.LlamaForCausalLM(config.Model, QuantScope.Engine.Quantization.QuantPlan.HighPrecision, seed: 99);
        ParameterCheckpoint.Load(loaded, Path.Combine(CheckpointWriter.RunFolder(_folder, id), "step-3.qsck"));
        var trained = trainer.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in loaded.named_parameters()) Assert.True(p.equal(trained[name]).all().item<bool>(), name);
    }

    [Fact]
    public void Create_CheckpointEveryZeroOrNoFolder_ReturnsNull()
    {
        Assert.Null(CheckpointWriter.Create(_folder, Guid.NewGuid(), TrainConfig.Tiny));
        Assert.Null(CheckpointWriter.Create(null, Guid.NewGuid(), TrainConfig.Tiny with { CheckpointEvery = 2 }));
    }

    [Fact]
    public void ReadManifest_FileNameNotGenerated_SkipsThatEntry()
    {
        var id = Guid.NewGuid();
        var folder = Directory.CreateDirectory(CheckpointWriter.RunFolder(_folder, id)).FullName;
        File.WriteAllText(Path.Combine(folder, CheckpointWriter.ManifestName),
            """[{"step":2,"tokensSeen":10,"file":"step-2.qsck"},{"step":4,"tokensSeen":20,"file":"../../etc/passwd"}]""");

        Assert.Equal([2], CheckpointWriter.ReadManifest(_folder, id).Select(c => c.Step));
        Assert.Empty(CheckpointWriter.ReadManifest(_folder, Guid.NewGuid()));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(21)]
    public void Validate_CheckpointEveryOutOfRange_NamesTheField(int every)
    {
        var errors = ConfigValidator.Validate(TrainConfig.Tiny with { CheckpointEvery = every }).Errors;
        Assert.Equal("checkpointEvery", Assert.Single(errors).Field);
    }
}
