using System.Diagnostics;
using System.Threading.Channels;
using QuantScope.Engine.Data;
using QuantScope.Engine.Devices;
using QuantScope.Engine.Model;
using QuantScope.Engine.Model.Hf;
using QuantScope.Engine.Model.SafeTensors;
using QuantScope.Engine.Numerics;
using QuantScope.Engine.Quantization;
using QuantScope.Engine.Telemetry;
using static TorchSharp.torch;

namespace QuantScope.Engine.Training;

/// <summary>
/// Runs one experiment (<see cref="TrainConfig"/>) and streams its metrics: optional pretraining (cached), then the main
/// phase — a BF16 warmup, then QAT under the plan — with an optional unquantized twin stepping in lockstep on the same
/// batches, and (when <see cref="TrainConfig.EvalEvery"/> is set) evaluations at the start, every N steps and at the end.
/// Synchronous: call <see cref="Run"/> on a dedicated thread (TorchSharp dispose scopes are thread-static).
/// Deterministic for a fixed seed: weights, data, batch order and dropout derive from the seed, never from global RNG.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly TrainConfig _config;
    private readonly TrainerOptions _options;
    private readonly string? _baseDirectory;
    private readonly ExperimentData _data;
    private readonly LlamaForCausalLM _model;
    private readonly LlamaForCausalLM? _twin;
    private readonly RunDevice _device;
    private long? _peakDeviceBytes;
    private DivergenceInfo? _divergence;
    private bool _started;
    private SummaryBuilder? _summary;

    /// <summary>Builds the data and models of a config the <see cref="ConfigValidator"/> passed (nothing is checked again).</summary>
    /// <param name="config">The validated config; its <see cref="ValidTrainConfig.Resolved"/> form trains.</param>
    /// <param name="options">Checkpoint folder, resume step and checkpoint handshake (null = defaults).</param>
    public Trainer(ValidTrainConfig config, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _options = options ?? new TrainerOptions();
        _baseDirectory = config.BaseDirectory;
        _config = config.Resolved;
        _device = RunDevice.Resolve(_config.Device ?? _options.DefaultDevice); // before anything is allocated
        _data = ExperimentData.Load(_config, _baseDirectory);
        _model = Build(_config.ResolvePlan());
        _twin = _config.Baseline ? Build(QuantPlan.HighPrecision) : null;
        if (_twin is not null) SetStats(_twin, false); // only the run's own layers are reported
        Layout = new RunLayout(_model.QuantizedLayerNames);
        var resolved = _model.EffectivePlan;
        EffectivePlan = resolved.ToPlanEntries();
        PlanWarnings = resolved.Warnings;
        var whatIf = _config.Stats.WhatIf.Select(f => f.Format).ToArray();
        foreach (var (name, layer) in _model.QuantizedLayers)
        {
            if (name.EndsWith(".mlp.down_proj", StringComparison.Ordinal)) layer.Probe.TopChannelCount = _config.Stats.TopChannels;
            layer.Probe.WhatIfFormats = whatIf;
            layer.Probe.ObserveGrad = _config.Stats.Grad;
            layer.RoundingSeed = _config.Seed; // stochastic rounding, where a rule asks for it
        }
    }

    /// <summary>The quantized layers by full module name, in heatmap row order (also for unquantized runs).</summary>
    public RunLayout Layout { get; }

    /// <summary>The effective quantization plan of the main phase: per layer its input, weight (and grad where quantized).</summary>
    public IReadOnlyList<PlanEntry> EffectivePlan { get; }

    /// <summary>Plan rules that matched no layer, and block-size fallbacks.</summary>
    public IReadOnlyList<string> PlanWarnings { get; }

    /// <summary>The device the run trains on (every tensor of the models, optimizers, states and buffers lives there).</summary>
    public DeviceInfo Device => _device.Info;

    /// <summary>The most device memory seen in use at a logged window's end (CUDA, all processes), bytes; null on the CPU.</summary>
    public long? PeakDeviceMemoryBytes => _peakDeviceBytes;

    /// <summary>The validated config.</summary>
    public TrainConfig Config => _config;

    /// <summary>The model being trained (tests poison weights through it).</summary>
    internal LlamaForCausalLM Model => _model;

    /// <summary>The unquantized twin, or null.</summary>
    internal LlamaForCausalLM? Twin => _twin;

    /// <summary>The main phase's optimizers (the run's, then the twin's) while it trains; for tests that check devices.</summary>
    internal IReadOnlyList<ModelTrainer> Optimizers { get; private set; } = [];

    /// <summary>The main phase's stats window while it trains; for tests that check devices.</summary>
    internal StatsWindow? Window { get; private set; }

    /// <summary>Test hook: called on the training thread before each main step, outside its dispose scope.</summary>
    internal Action<int>? BeforeStep { get; set; }

    /// <summary>
    /// Runs every phase on the calling thread and returns the summary. Main-phase metrics are copied to the host once
    /// per <see cref="TrainConfig.LogEvery"/> steps and written to <paramref name="output"/> as one batch per window;
    /// writes wait for space. The channel is never completed here: the caller does that. Can be called once.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled; at most one more step runs after the request.</exception>
    /// <exception cref="TrainingDivergedException">Non-finite loss or amax; the finite steps before it were written first.</exception>
    /// <exception cref="InvalidOperationException">Called twice, or the channel was completed by someone else.</exception>
    public RunSummary Run(Guid runId, ChannelWriter<MetricBatch> output, CancellationToken ct, IProgress<TrainingProgress>? progress = null)
    {
        if (_started) throw new InvalidOperationException("A trainer runs once.");
        _started = true;
        try
        {
            return RunPhases(runId, output, ct, progress);
        }
        catch (TrainingDivergedException diverged)
        {
            _divergence = new DivergenceInfo(diverged.Step, diverged.LayerName, diverged.Role); // for the summary, as data
            throw;
        }
        catch (Exception ex) when (_device.IsCuda && _device.Explain(ex) is DeviceOutOfMemoryException oom)
        {
            throw oom; // "out of GPU memory on cuda:0 (N GiB free, M GiB needed)": this run fails, the host keeps serving
        }
    }

    private RunSummary RunPhases(Guid runId, ChannelWriter<MetricBatch> output, CancellationToken ct, IProgress<TrainingProgress>? progress)
    {
        var summary = _summary = new SummaryBuilder(Layout.Layers,
            _model.QuantizedLayers.Select(l => l.Layer.InputRecipe is DelayedScalingRecipe).ToArray(), _config.Bf16WarmupSteps, _config.ApeLastSteps,
            EvaluationStep.ScoredTasks(_data, _config.Model).GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.First().Items.Count));
        void Emit(MetricBatch batch)
        {
            summary.Add(batch);
            WriteBlocking(output, batch, ct);
        }

        var resume = _options.ResumeFromStep;
        if (resume is not null) RequireResumable(runId, resume.Value);
        if (_config.Pretrain is not null && resume is null) // a resumed run's weights come from its checkpoint
        {
            SetStats(_model, false);
            Pretrainer.Run(_model, _config, _data.Pretrain!, _options.CheckpointDirectory, Emit, runId, progress, _options.BetweenSteps, ct);
        }

        if (_twin is not null && resume is null) ParameterCheckpoint.Copy(_model, _twin);
        _model.SetDropout(_config.Dropout, _config.Seed); // fresh, identical mask streams for the run and its twin
        _twin?.SetDropout(_config.Dropout, _config.Seed);

        var evaluate = _config.EvalEvery > 0;
        if (evaluate && resume is null) Evaluate(runId, 0, Emit, progress);
        MainPhase(runId, Emit, progress, ct, resume ?? 0);
        if (evaluate) Evaluate(runId, _config.Steps, Emit, progress);
        return WithDevice(summary.Build(runId, RunStatus.Completed));
    }

    /// <summary>The summary of what has been emitted so far (after a failure or cancellation), with that status.</summary>
    public RunSummary? SummarySoFar(Guid runId, RunStatus status) => _summary?.Build(runId, status) is { } s ? WithDevice(s) : null;

    private RunSummary WithDevice(RunSummary summary) =>
        summary with { Device = _device.Info, PeakDeviceMemoryBytes = _peakDeviceBytes, Divergence = _divergence };

    private void RequireResumable(Guid runId, int step)
    {
        if (_options.CheckpointDirectory is null)
            throw new ResumeCheckpointException("(no folder)", "checkpointDirectory", "is not set in the trainer options: there is nothing to resume from.");
        if (step < 0 || step > _config.Steps)
            throw new ResumeCheckpointException(CheckpointWriter.RunFolder(_options.CheckpointDirectory, runId), "resumeFromStep", $"must be between 0 and steps ({_config.Steps}); it is {step}.");
    }

    private void MainPhase(Guid runId, Action<MetricBatch> emit, IProgress<TrainingProgress>? progress, CancellationToken ct, int start)
    {
        var layers = _model.QuantizedLayers.Select(l => l.Layer).ToArray();
        using var window = new StatsWindow(_config.LogEvery, layers);
        var factory = new MetricBatchFactory(Layout.Layers, layers.Select(l => l.GradOutputRecipe is not null).ToArray(), _config.Bf16WarmupSteps, _twin is not null, window, _config.Stats.WhatIf.Select(f => f.Name).ToArray());
        var stats = _config.Stats;
        using var main = new ModelTrainer(_model, _config.LearningRate, _config.WeightDecay, _config.GradClip);
        using var twin = _twin is null ? null : new ModelTrainer(_twin, _config.LearningRate, _config.WeightDecay, _config.GradClip);
        (Optimizers, Window) = (twin is null ? [main] : [main, twin], window);
        var sampler = new BatchSampler(_data.Main.Train, _config.Seed);
        var calibration = _config.Quant?.CalibrateInWarmup == true && _config.Bf16WarmupSteps > start
            ? new WarmupCalibration(_config.Bf16WarmupSteps, layers.SelectMany(l => new[] { l.InputScaling, l.WeightScaling, l.GradOutputScaling })
                .Select(s => s?.Recipe.AmaxHistoryLength ?? 0).DefaultIfEmpty(0).Max())
            : null;
        var pending = new List<StepRecord>(_config.LogEvery);
        var tokensPerStep = (long)_config.BatchSize * _config.SeqLen;
        var watch = new Stopwatch();
        var windowWatch = Stopwatch.StartNew(); // CUDA: a window's wall time up to its (synchronizing) host copy
        var checkpoints = CheckpointWriter.Create(_options.CheckpointDirectory, runId, _config);
        // As a straight run stands at the top of step `start`: quantizing from the start, or past the warmup (at the
        // warmup step itself the loop switches it on, resetting the histories, exactly as it did the first time).
        SetQuantization(_config.Bf16WarmupSteps == 0 || start > _config.Bf16WarmupSteps);
        var parts = new ResumeParts(_model, main, _twin, twin, factory, _summary!);
        var configHash = ResumeState.ConfigHash(_config);
        if (start > 0 || _options.ResumeFromStep is not null)
        {
            ResumeState.Load(Path.Combine(CheckpointWriter.RunFolder(_options.CheckpointDirectory!, runId), CheckpointWriter.ResumeFileName(start)), configHash, start, parts);
            sampler.Skip(start, _config.BatchSize, _config.SeqLen); // the data position: the batches drawn so far
            checkpoints?.ContinueFrom(_options.CheckpointDirectory!, runId, start);
        }

        for (var step = start; step < _config.Steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            _options.BetweenSteps?.Invoke();
            BeforeStep?.Invoke(step);
            if (step == _config.Bf16WarmupSteps && step > 0)
            {
                SetQuantization(true); // resets every scaling history
                calibration?.Seed(layers); // then fills them from the warmup's amax (quant.calibrateInWarmup)
            }
            var lr = LrSchedule.At(step, _config.Steps, _config.LearningRate, _config.LrWarmupSteps);
            var collect = stats.Every > 0 && step % stats.Every == 0;
            var split = stats.ErrorSplitEvery > 0 && step % stats.ErrorSplitEvery == 0;
            var pictures = stats.HistogramEvery > 0 && step % stats.HistogramEvery == 0;
            foreach (var layer in layers)
            {
                layer.Probe.CollectStats = collect;
                layer.Probe.SplitError = split;
                layer.Probe.Pictures = pictures;
            }

            watch.Restart();
            using (NewDisposeScope())
            {
                var batch = _device.ToDevice(sampler.Next(_config.BatchSize, _config.SeqLen)); // [B, T+1]: one batch for both models, pinned + non-blocking on CUDA
                var inputs = batch.narrow(1, 0, _config.SeqLen);
                var targets = batch.narrow(1, 1, _config.SeqLen);
                var loss = main.Step(inputs, targets, lr, collect ? () => RecordGradNorms(layers) : null);
                var twinLoss = twin?.Step(inputs, targets, lr);
                window.Record(pending.Count, loss, twinLoss);
            }

            watch.Stop(); // CPU ops are synchronous, so this is the step's compute time (twin included); CUDA: see StepTimes
            pending.Add(new StepRecord(step, lr, watch.Elapsed.TotalMilliseconds, tokensPerStep * (step + 1)));
            progress?.Report(new TrainingProgress(step < _config.Bf16WarmupSteps ? "warmup" : "qat", step + 1, _config.Steps));

            var evalNow = _config.EvalEvery > 0 && (step + 1) % _config.EvalEvery == 0 && step + 1 < _config.Steps;
            var checkpointNow = checkpoints?.IsDue(step + 1) == true; // its state must not hold unsent steps
            if (pending.Count == _config.LogEvery || step == _config.Steps - 1 || evalNow || checkpointNow)
            {
                var rows = window.CopyToHost(pending.Count); // SYNC POINT: the window's single device->host copy
                if (_device.IsCuda) AfterWindowOnCuda(pending, windowWatch);
                var batch = factory.Build(runId, pending, rows, out var diverged);
                pending.Clear();
                calibration?.Take(batch);
                if (batch.Scalars.Count > 0) emit(batch);
                if (diverged is not null) throw diverged;
            }

            if (evalNow) Evaluate(runId, step + 1, emit, progress);
            if (checkpointNow)
            {
                _options.BeforeCheckpoint?.Invoke(step + 1, ct);
                checkpoints!.AfterStep(_model, step + 1, path => ResumeState.Save(path, configHash, step + 1, parts));
            }

            if (evalNow || checkpointNow) windowWatch.Restart(); // neither is a training step
        }
    }

    // CUDA ops only queue work: a step's stopwatch measures the launches. The window's host copy waited for all of it,
    // so each step gets the window's wall time / its steps (no per-op or per-step synchronize). Also samples memory.
    private void AfterWindowOnCuda(List<StepRecord> pending, Stopwatch windowWatch)
    {
        var perStep = windowWatch.Elapsed.TotalMilliseconds / Math.Max(1, pending.Count);
        for (var i = 0; i < pending.Count; i++) pending[i] = pending[i] with { Millis = perStep };
        if (_device.UsedBytes() is { } used) _peakDeviceBytes = Math.Max(_peakDeviceBytes ?? 0, used);
        windowWatch.Restart();
    }

    private void Evaluate(Guid runId, int step, Action<MetricBatch> emit, IProgress<TrainingProgress>? progress)
    {
        SetStats(_model, false); // evaluation forwards are not training steps: no diagnostics
        progress?.Report(new TrainingProgress("eval", step, _config.Steps));
        emit(new MetricBatch(runId, EvaluationStep.Run(step, _model, _twin, _data, _config.SeqLen), []));
    }

    private static void SetStats(LlamaForCausalLM model, bool on)
    {
        foreach (var (_, layer) in model.QuantizedLayers)
        {
            layer.Probe.CollectStats = on;
            layer.Probe.SplitError = false;
        }
    }

    private static void RecordGradNorms(QuantLinear[] layers)
    {
        foreach (var layer in layers) layer.Probe.RecordGradNorm();
    }

    private void SetQuantization(bool on)
    {
        foreach (var (_, layer) in _model.QuantizedLayers) layer.QuantizationEnabled = on;
    }

    private LlamaForCausalLM Build(QuantPlan plan)
    {
        var model = new LlamaForCausalLM(_config.Model, plan, _config.Seed, _device.Device);
        if (_config.Init is { } init) LoadInit(model, HfInit.Folder(init, _baseDirectory));
        if (_config.Precision == Precision.Bf16) model.SetComputeType(ScalarType.BFloat16);
        return model;
    }

    private static void LoadInit(LlamaForCausalLM model, string folder)
    {
        using var checkpoint = SafeTensorsCheckpoint.Open(folder);
        HfWeights.Load(model, checkpoint);
    }

    /// <summary>Disposes the models.</summary>
    public void Dispose()
    {
        _model.Dispose();
        _twin?.Dispose();
    }

    private static void WriteBlocking(ChannelWriter<MetricBatch> output, MetricBatch batch, CancellationToken ct)
    {
        // Blocks the training thread (never inside a dispose scope) until the bounded channel has room.
        while (!output.TryWrite(batch))
        {
            if (!output.WaitToWriteAsync(ct).AsTask().GetAwaiter().GetResult())
                throw new InvalidOperationException("The metrics channel was completed while the run was still writing.");
        }
    }
}
