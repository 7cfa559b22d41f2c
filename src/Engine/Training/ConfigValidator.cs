using QuantScope.Engine.Configuration;
using QuantScope.Engine.Model;
using QuantScope.Engine.Numerics;
using QuantScope.Engine.Quantization;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Training;

/// <summary>
/// The one validator of a run's config, used at every edge (API, CLI, sweeps, coordinator, cluster worker). It checks
/// the config as given and, when <c>init</c> names a Hugging Face folder, again with the folder's model config applied,
/// and returns a <see cref="ValidTrainConfig"/> (the only way to make one) or every problem named by its JSON path.
/// </summary>
public static class ConfigValidator
{
    /// <summary>The config as a <see cref="ValidTrainConfig"/>, or all its problems.</summary>
    /// <param name="config">The config.</param>
    /// <param name="baseDirectory">Folder that relative data, task and init paths resolve against (null = working directory).</param>
    /// <param name="deviceHere">
    /// Whether <c>device</c> must be on this machine (true: the run trains here). A dashboard that hands runs to cluster
    /// workers passes false: the form is still checked, and placement finds a worker with the device.
    /// </param>
    public static ValidationResult<ValidTrainConfig> Validate(TrainConfig config, string? baseDirectory = null, bool deviceHere = true)
    {
        ArgumentNullException.ThrowIfNull(config);
        var errors = Problems(config, baseDirectory, deviceHere);
        if (errors.Count > 0) return ValidationResult<ValidTrainConfig>.Invalid(errors);
        var resolved = Model.Hf.HfInit.Resolve(config, baseDirectory); // init.kind hf: the folder's model config
        if (!ReferenceEquals(resolved, config) && Problems(resolved, baseDirectory, deviceHere) is { Count: > 0 } resolvedErrors)
            return ValidationResult<ValidTrainConfig>.Invalid(resolvedErrors);
        return ValidationResult<ValidTrainConfig>.Valid(new ValidTrainConfig(config, resolved, baseDirectory));
    }

    /// <summary>Like <see cref="Validate"/> but throws.</summary>
    /// <exception cref="ArgumentException">The config is invalid; the message lists every error by JSON path.</exception>
    public static ValidTrainConfig Require(TrainConfig config, string? baseDirectory = null)
    {
        var result = Validate(config, baseDirectory);
        return result.Value ?? throw new ArgumentException("Invalid training config: " + result.Describe(), nameof(config));
    }

    private static List<ConfigError> Problems(TrainConfig config, string? baseDirectory, bool deviceHere)
    {
        var errors = new List<ConfigError>();
        void Check(bool ok, string field, string message)
        {
            if (!ok) errors.Add(new ConfigError(field, message));
        }

        Check(!string.IsNullOrWhiteSpace(config.Name) && config.Name.Length <= 200, "name", "must be 1 to 200 characters");
        Check(config.Steps is >= 1 and <= 1_000_000, "steps", "must be between 1 and 1000000");
        Check(config.BatchSize is >= 1 and <= 4096, "batchSize", "must be between 1 and 4096");
        Check(config.SeqLen >= 2, "seqLen", "must be at least 2");
        CheckRate(config.LearningRate, "learningRate", Check);
        Check(config.LrWarmupSteps is not { } w || (w >= 0 && w <= config.Steps), "lrWarmupSteps", $"{config.LrWarmupSteps} must be between 0 and steps ({config.Steps})");
        Check(double.IsFinite(config.WeightDecay) && config.WeightDecay is >= 0 and <= 10, "weightDecay", "must be between 0 and 10");
        Check(double.IsFinite(config.GradClip) && config.GradClip >= 0, "gradClip", "must be 0 (off) or a positive finite number");
        Check(config.Dropout is >= 0 and < 1, "dropout", "must be in [0, 1)");
        Check(config.Bf16WarmupSteps >= 0 && config.Bf16WarmupSteps <= config.Steps, "bf16WarmupSteps", $"{config.Bf16WarmupSteps} must be between 0 and steps ({config.Steps})");
        Check(config.EvalEvery >= 0, "evalEvery", "must be 0 (no evaluation) or a positive number of steps");
        Check(Enum.IsDefined(config.Precision), "precision", WireNames<Precision>.MustBeOneOf);
        if (deviceHere && config.Device is { } device && DeviceError(device) is { } unavailable) errors.Add(new ConfigError("device", unavailable));
        Check(config.ApeLastSteps >= 1, "apeLastSteps", "must be at least 1");
        Check(config.LogEvery >= 1, "logEvery", "must be at least 1");
        Check(config.CheckpointEvery >= 0 && config.CheckpointEvery <= config.Steps, "checkpointEvery", $"{config.CheckpointEvery} must be 0 (no checkpoints) or a number of steps between 1 and steps ({config.Steps})");
        if (config.Stats is null)
        {
            errors.Add(new ConfigError("stats", "is required"));
        }
        else
        {
            Check(config.Stats.Every >= 0, "stats.every", "must be 0 (off) or a positive number of steps");
            Check(config.Stats.ErrorSplitEvery >= 0, "stats.errorSplitEvery", "must be 0 (off) or a positive number of steps");
            Check(config.Stats.HistogramEvery >= 0, "stats.histogramEvery", "must be 0 (off) or a positive number of steps");
            Check(config.Stats.TopChannels is >= 0 and <= 64, "stats.topChannels", "must be between 0 and 64");
            for (var i = 0; i < (config.Stats.WhatIf?.Count ?? 0); i++)
            {
                Check(config.Stats.WhatIf![i] is not null, $"stats.whatIf[{i}]", FormatName.NotKnown); // JSON null; names are checked when read
                if (config.Stats.WhatIf[i] is { } format && config.Model is { } model && WhatIfWidthError(format, model) is { } width)
                    errors.Add(new ConfigError($"stats.whatIf[{i}]", width));
            }
        }

        if (config.Model is null) errors.Add(new ConfigError("model", "is required"));
        else CheckModel(config.Model, config.SeqLen, Check);

        CheckData(config.Data, "data", baseDirectory, Check);
        if (config.Pretrain is { } p)
        {
            Check(p.Steps is >= 1 and <= 1_000_000, "pretrain.steps", "must be between 1 and 1000000");
            CheckRate(p.LearningRate, "pretrain.learningRate", Check);
            CheckData(p.Data, "pretrain.data", baseDirectory, Check);
        }

        if (config.Init is { } init)
            foreach (var (field, message) in Model.Hf.HfInit.Check(init, baseDirectory, config.Device)) Check(false, field, message);
        if (config.Quant is { } q) CheckQuant(q, Check);
        for (var i = 0; i < (config.Tasks?.Count ?? 0); i++)
            Check(File.Exists(Resolve(config.Tasks![i], baseDirectory)), $"tasks[{i}]", $"file '{config.Tasks[i]}' does not exist");
        return errors;
    }

    /// <summary>Why <paramref name="device"/> cannot be had on this build and machine, or null when it can (cpu and auto always can).</summary>
    public static string? DeviceError(Devices.DeviceSetting device) =>
        device.Kind == Devices.DeviceKind.Cuda ? Devices.DeviceResolver.Choose(device, Devices.CudaInventory.Current).Error : null;

    // A block what-if format measures every layer's tensors in blocks along the last dim: input and weight rows are
    // dModel or ffnDim wide, gradients dModel, ffnDim or the k/v width. A width its block does not divide would fail
    // the run at its first stats step; refuse it here, naming the width.
    private static string? WhatIfWidthError(FormatName format, ModelConfig model)
    {
        var block = format.Format switch
        {
            MxFormat mx => mx.BlockSize,
            NvFp4Format => NvFp4Format.BlockSize,
            IntFormat { Granularity: IntGranularity.PerGroup } group => group.GroupSize,
            _ => 0,
        };
        if (block <= 0 || model.Heads < 1 || model.DModel % model.Heads != 0) return null;
        (string Field, int Width)[] widths = [("model.dModel", model.DModel), ("model.ffnDim", model.FfnDim), ("the k/v width", model.KvHeadCount() * model.HeadDim())];
        return widths.FirstOrDefault(w => w.Width % block != 0) is { Field: not null } bad
            ? $"{format.Name} measures blocks of {block} values along each layer's rows; {bad.Field} {bad.Width} is not a multiple of {block}"
            : null;
    }

    /// <summary>A config path resolved against <paramref name="baseDirectory"/> (absolute paths stay as they are).</summary>
    public static string Resolve(string path, string? baseDirectory) =>
        Path.GetFullPath(path, baseDirectory ?? Directory.GetCurrentDirectory());

    private static void CheckRate(double rate, string field, Action<bool, string, string> check) =>
        check(double.IsFinite(rate) && rate > 0 && rate <= 1, field, "must be a finite number in (0, 1]");

    private static void CheckModel(ModelConfig m, int seqLen, Action<bool, string, string> check)
    {
        check(m.Layers is >= 1 and <= 128, "model.layers", "must be between 1 and 128");
        check(m.DModel is >= 8 and <= 8192, "model.dModel", "must be between 8 and 8192");
        check(m.Heads >= 1 && m.DModel % Math.Max(1, m.Heads) == 0, "model.heads", $"{m.Heads} must be at least 1 and divide model.dModel {m.DModel}");
        check(m.Heads >= 1 && m.DModel / Math.Max(1, m.Heads) % 2 == 0, "model.heads", "head size (dModel / heads) must be even for rotary embeddings");
        check(m.FfnDim is >= 1 and <= 65536, "model.ffnDim", "must be between 1 and 65536");
        check(m.VocabSize is >= 256 and <= 300_000, "model.vocabSize", "must be between 256 (byte-level) and 300000");
        check(m.ContextLength is >= 2 and <= 32768, "model.contextLength", "must be between 2 and 32768");
        check(double.IsFinite(m.NormEps) && m.NormEps > 0, "model.normEps", "must be a positive finite number");
        check(double.IsFinite(m.RopeTheta) && m.RopeTheta > 1, "model.ropeTheta", "must be a finite number above 1");
        check(seqLen <= m.ContextLength, "seqLen", $"{seqLen} must not exceed model.contextLength {m.ContextLength}");
    }

    private static void CheckData(DataConfig? data, string field, string? baseDirectory, Action<bool, string, string> check)
    {
        if (data is null)
        {
            check(false, field, "is required");
            return;
        }

        check(Enum.IsDefined(data.Kind), $"{field}.kind", WireNames<DataKind>.MustBeOneOf);
        if (data.Kind != DataKind.Text) return;
        if (string.IsNullOrWhiteSpace(data.Path)) check(false, $"{field}.path", "is required when kind is text");
        else check(File.Exists(Resolve(data.Path, baseDirectory)), $"{field}.path", $"file '{data.Path}' does not exist");
    }

    private static void CheckQuant(QuantConfig q, Action<bool, string, string> check)
    {
        if (q.Rules is not { Count: > 0 })
            check(q.Preset is not null && QuantPlan.TryGetPreset(q.Preset, out _), "quant.preset", $"must be one of: {string.Join(", ", QuantPlan.PresetNames)}");
        check(q.HistoryLength is null or >= 1 and <= 4096, "quant.historyLength", "must be between 1 and 4096");
        check(q.Algorithm is not { } a || Enum.IsDefined(a), "quant.algorithm", WireNames<AmaxAlgorithm>.MustBeOneOf);
        check(q.Margin is null or >= 0 and <= 16, "quant.margin", "must be between 0 and 16");
        for (var i = 0; i < (q.Rules?.Count ?? 0); i++)
        {
            var r = q.Rules![i];
            var at = $"quant.rules[{i}]";
            check(!string.IsNullOrWhiteSpace(r.Layer), $"{at}.layer", "is required (a glob over module names)");
            check(Enum.IsDefined(r.Role), $"{at}.role", WireNames<TensorRole>.MustBeOneOf);
            check(r.Recipe == RecipeKind.Keep || r.Format is not null, $"{at}.format", FormatName.NotKnown); // JSON null; names are checked when read
            check(r.Delayed.AmaxHistoryLength is >= 1 and <= 4096, $"{at}.delayed.amaxHistoryLength", "must be between 1 and 4096");
            check(Enum.IsDefined(r.Delayed.AmaxComputeAlgo), $"{at}.delayed.amaxComputeAlgo", WireNames<AmaxAlgorithm>.MustBeOneOf);
            check(r.Delayed.Margin is >= 0 and <= 16 && r.Margin is >= 0 and <= 16, $"{at}.margin", "must be between 0 and 16");
            check(r.Delayed.UpdatePeriod is >= 1 and <= 1_000_000, $"{at}.delayed.updatePeriod", "must be between 1 and 1000000");
            check(r.SkipFirstBlocks >= 0 && r.SkipLastBlocks >= 0, $"{at}.skipFirstBlocks", "block skips must not be negative");
            check(r.SkipFullFromBlocks is null or >= 1, $"{at}.skipFullFromBlocks", "must be at least 1 (or left out)");
            check(r.SkipLastShare is >= 0 and <= 1, $"{at}.skipLastShare", "must be between 0 and 1 (a share of the blocks)");
            check(r.Rounding != RoundingMode.Stochastic || r.Recipe == RecipeKind.Keep || r.Format is null || StochasticRounding.Supports(r.Format.Format),
                $"{at}.rounding", "stochastic rounding is available for e4m3, e5m2, e2m1, int, mx and nvfp4 formats, not for " + r.Format?.Name);
        }
    }
}
