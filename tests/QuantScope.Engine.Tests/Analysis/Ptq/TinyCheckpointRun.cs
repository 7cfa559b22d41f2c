using System.Threading.Channels;

namespace QuantScope.Engine.Tests.Analysis.Ptq;

/// <summary>A tiny unquantized run trained once for the PTQ tests, with checkpoints after steps 15 and 30.</summary>
public sealed class TinyCheckpointRun : IDisposable
{
    public TinyCheckpointRun()
    {
        Config = TrainConfig.Tiny with { Steps = 30, CheckpointEvery = 15, Quant = null, Precision = Precision.Fp32 };
        using var trainer = new Trainer(ConfigValidator.Require(Config), new TrainerOptions { CheckpointDirectory = Folder });
        trainer.Run(RunId, Channel.CreateUnbounded<MetricBatch>().Writer, CancellationToken.None);
        Checkpoints = CheckpointWriter.ReadManifest(Folder, RunId);
    }

    public string Folder { get; } = Directory.CreateTempSubdirectory("quantscope-ptq-").FullName;

    public Guid RunId { get; } = Guid.NewGuid();

    public TrainConfig Config { get; }

    public IReadOnlyList<RunCheckpoint> Checkpoints { get; }

    public string RunFolder => CheckpointWriter.RunFolder(Folder, RunId);

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
