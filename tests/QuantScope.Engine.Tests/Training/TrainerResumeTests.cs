using System.Text.Json;
using System.Threading.Channels;

namespace QuantScope.Engine.Tests.Training;

/// <summary>
/// Resume from a checkpoint: a run stopped after its step-5 checkpoint and resumed by a new trainer ends exactly like
/// the same run trained straight through (FP8 delayed scaling with a short amax history, a BF16 warmup, the BF16 twin,
/// dropout, stats every 3rd step and evaluations), and bad checkpoints are refused with the file and field named.
/// </summary>
public sealed class TrainerResumeTests : IDisposable
{
    private const int Steps = 12;
    private readonly string _folder = Directory.CreateTempSubdirectory("quantscope-resume-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static TrainConfig Config => TrainConfig.Tiny with
    {
        Steps = Steps,
        CheckpointEvery = 5,
        Baseline = true,
        Bf16WarmupSteps = 2,
        Dropout = 0.1,
        EvalEvery = 5,
        Quant = new QuantConfig { Preset = "fp8-delayed", HistoryLength = 4 },
        Stats = new StatsConfig { Every = 3, ErrorSplitEvery = 4 },
    };

    private TrainerOptions Options(int? resume = null) => new() { CheckpointDirectory = _folder, ResumeFromStep = resume };

    private static (List<MetricBatch> Batches, RunSummary? Summary, Exception? Error) Run(Trainer trainer, Guid id, CancellationToken ct = default)
    {
        var channel = Channel.CreateUnbounded<MetricBatch>();
        RunSummary? summary = null;
        Exception? error = null;
        try
        {
            summary = trainer.Run(id, channel.Writer, ct);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        channel.Writer.Complete();
        var batches = new List<MetricBatch>();
        while (channel.Reader.TryRead(out var b)) batches.Add(b);
        return (batches, summary, error);
    }

    /// <summary>Trains until the step-7 hook, then cancels (the checkpoint after step 5 is on disk): a crash after a checkpoint.</summary>
    private Guid InterruptedRun() => InterruptedRun(Config);

    private Guid InterruptedRun(TrainConfig config)
    {
        var id = Guid.NewGuid();
        using var stop = new CancellationTokenSource();
        using var first = new Trainer(ConfigValidator.Require(config), Options());
        first.BeforeStep = s => { if (s == 7) stop.Cancel(); };
        var (_, _, error) = Run(first, id, stop.Token);
        Assert.IsType<OperationCanceledException>(error);
        return id;
    }

    private static Dictionary<(string Metric, int Step), float> Scalars(IEnumerable<MetricBatch> batches) =>
        batches.SelectMany(b => b.Scalars).Where(s => s.Metric != MetricCatalog.StepMillis).ToDictionary(s => (s.Metric, s.Step), s => s.Value);

    private static Dictionary<(string Metric, string Role, int Step), float[]> Layers(IEnumerable<MetricBatch> batches) =>
        batches.SelectMany(b => b.LayerPoints).ToDictionary(p => (p.Metric, p.Role, p.Step), p => p.Values);

    [Theory]
    [InlineData("fp8-delayed")]
    [InlineData("nvfp4-training")] // stochastic rounding of the gradients: the generators' states travel in the checkpoint
    public void Run_ResumedFromStep5_SameLossesPointsParametersAndSummaryAsAStraightRun(string preset)
    {
        var config = Config with { Quant = Config.Quant! with { Preset = preset, HistoryLength = preset == "fp8-delayed" ? 4 : null } };
        using var straight = new Trainer(ConfigValidator.Require(config), new TrainerOptions { CheckpointDirectory = Path.Combine(_folder, "straight") });
        var (straightBatches, straightSummary, straightError) = Run(straight, Guid.NewGuid());
        Assert.Null(straightError);

        var id = InterruptedRun(config);
        var step = CheckpointWriter.LatestResumable(_folder, id);
        Assert.Equal(5, step);
        using var resumed = new Trainer(ConfigValidator.Require(config), Options(step));
        var (batches, summary, error) = Run(resumed, id);
        Assert.Null(error);

        // Only the steps after the checkpoint are emitted: training steps 5..11 (0-based), evaluations after 10 and 12 steps.
        var scalars = Scalars(batches);
        Assert.Equal(Enumerable.Range(5, Steps - 5), scalars.Keys.Where(k => k.Metric == MetricCatalog.Loss).Select(k => k.Step).Order());
        Assert.Equal([10, 12], scalars.Keys.Where(k => k.Metric == MetricCatalog.HeldOutLoss).Select(k => k.Step).Order());

        // Bitwise: every scalar (loss, twin loss, APE, LR, evaluations, outliers) and every per-layer array.
        var expected = Scalars(straightBatches);
        foreach (var (key, value) in scalars) Assert.True(BitConverter.SingleToInt32Bits(expected[key]) == BitConverter.SingleToInt32Bits(value), $"{key}: {expected[key]} vs {value}");
        var expectedLayers = Layers(straightBatches);
        var layers = Layers(batches);
        Assert.Equal(expectedLayers.Keys.Count(k => k.Step >= 5), layers.Count);
        foreach (var (key, values) in layers) Assert.Equal(expectedLayers[key], values);

        // The weights, the twin's and the scaling states (amax histories, scales) end identical.
        AssertSameTensors(straight.Model.state_dict(), resumed.Model.state_dict());
        AssertSameTensors(straight.Twin!.state_dict(), resumed.Twin!.state_dict());

        // The summary covers the whole run (APE over all 12 steps, forgetting from the step-0 evaluation).
        Assert.Equal(JsonSerializer.Serialize(straightSummary! with { RunId = id }), JsonSerializer.Serialize(summary));
        Assert.Equal(Steps, summary!.Steps);
    }

    [Fact]
    public void Run_CheckpointedUnderAutoResumedUnderCpu_ContinuesTheSameRun()
    {
        // The device is not part of the config hash: a run checkpointed on one device resumes on another (the tensors
        // are written from the device and read onto whichever the resumed run uses; the code path is the same for CUDA).
        using var straight = new Trainer(ConfigValidator.Require(Config), new TrainerOptions { CheckpointDirectory = Path.Combine(_folder, "straight") });
        var (straightBatches, _, straightError) = Run(straight, Guid.NewGuid());
        Assert.Null(straightError);

        var id = InterruptedRun();
        Assert.Equal(ResumeState.ConfigHash(Config), ResumeState.ConfigHash(Config with { Device = QuantScope.Engine.Devices.DeviceSetting.Cpu }));
        using var resumed = new Trainer(ConfigValidator.Require(Config with { Device = QuantScope.Engine.Devices.DeviceSetting.Cpu }), Options(5));
        var (batches, summary, error) = Run(resumed, id);
        Assert.Null(error);
        Assert.Equal("cpu", summary!.Device!.Device);
        var expected = Scalars(straightBatches);
        var losses = Scalars(batches).Where(s => s.Key.Metric == MetricCatalog.Loss).ToArray();
        Assert.Equal(Steps - 5, losses.Length);
        foreach (var (key, value) in losses) Assert.Equal(expected[key], value);
        AssertSameTensors(straight.Model.state_dict(), resumed.Model.state_dict());
    }

    [Fact]
    public void Run_ResumedRun_KeepsCheckpointingAndTheManifestListsEveryCheckpoint()
    {
        var id = InterruptedRun();
        using (var resumed = new Trainer(ConfigValidator.Require(Config), Options(5))) Assert.Null(Run(resumed, id).Error);

        Assert.Equal([5, 10, 12], CheckpointWriter.ReadManifest(_folder, id).Select(c => c.Step));
        Assert.Equal(12, CheckpointWriter.LatestResumable(_folder, id));
        var folder = CheckpointWriter.RunFolder(_folder, id);
        Assert.Equal(["step-12.resume"], Directory.GetFiles(folder, "*.resume").Select(Path.GetFileName)); // only the latest is kept
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [Fact]
    public void Run_ResumeWithoutCheckpoint_ThrowsNamingTheMissingFile()
    {
        var id = Guid.NewGuid();
        Assert.Null(CheckpointWriter.LatestResumable(_folder, id));
        using var trainer = new Trainer(ConfigValidator.Require(Config), Options(5));

        var error = Assert.IsType<ResumeCheckpointException>(Run(trainer, id).Error);
        Assert.Equal("file", error.Field);
        Assert.EndsWith("step-5.resume", error.File, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ResumeFromTruncatedFile_RefusedAndLatestResumableSkipsIt()
    {
        var id = InterruptedRun();
        var path = Path.Combine(CheckpointWriter.RunFolder(_folder, id), CheckpointWriter.ResumeFileName(5));
        using (var file = File.OpenWrite(path)) file.SetLength(file.Length / 2);

        Assert.Null(CheckpointWriter.LatestResumable(_folder, id));
        using var trainer = new Trainer(ConfigValidator.Require(Config), Options(5));
        var error = Assert.IsType<ResumeCheckpointException>(Run(trainer, id).Error);
        Assert.Contains("cut short", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ResumeFromCorruptTensorSection_ThrowsNamingTheSection()
    {
        var id = InterruptedRun();
        var path = Path.Combine(CheckpointWriter.RunFolder(_folder, id), CheckpointWriter.ResumeFileName(5));
        var bytes = File.ReadAllBytes(path);
        // Header: magic (1 + 5 bytes), hash (1 + 64), step (4); then the model's tensor count: make it impossible.
        BitConverter.GetBytes(-7).CopyTo(bytes, 6 + 65 + 4);
        File.WriteAllBytes(path, bytes);

        using var trainer = new Trainer(ConfigValidator.Require(Config), Options(5));
        var error = Assert.IsType<ResumeCheckpointException>(Run(trainer, id).Error);
        Assert.Equal("model", error.Field);
        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ResumeWithChangedConfig_RefusedNamingConfigHash()
    {
        var id = InterruptedRun();
        var changed = Config with { LearningRate = Config.LearningRate / 2 };

        var check = Assert.Throws<ResumeCheckpointException>(() => CheckpointWriter.CheckResumable(_folder, id, 5, changed));
        Assert.Equal("configHash", check.Field);
        using var trainer = new Trainer(ConfigValidator.Require(changed), Options(5));
        var error = Assert.IsType<ResumeCheckpointException>(Run(trainer, id).Error);
        Assert.Equal("configHash", error.Field);
        CheckpointWriter.CheckResumable(_folder, id, 5, Config with { Name = "renamed" }); // a new display name is the same run
    }

    [Fact]
    public void LatestResumable_SaveKilledMidWrite_PreviousStateStillUsable()
    {
        var id = InterruptedRun();
        var folder = CheckpointWriter.RunFolder(_folder, id);
        // A kill during the step-10 save leaves only its temp file behind.
        File.WriteAllBytes(Path.Combine(folder, CheckpointWriter.ResumeFileName(10) + ".tmp"), new byte[100]);

        Assert.Equal(5, CheckpointWriter.LatestResumable(_folder, id));
        CheckpointWriter.CheckResumable(_folder, id, 5, Config);
    }

    private static void AssertSameTensors(Dictionary<string, TorchSharp.torch.Tensor> expected, Dictionary<string, TorchSharp.torch.Tensor> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, t) in expected) Assert.True(t.equal(actual[name]).all().item<bool>(), name);
    }
}
