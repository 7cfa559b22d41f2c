using QuantScope.Engine.Quantization;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Training;

/// <summary>Checks a <see cref="TrainConfig"/> once, at the edge. Fields are named by their JSON path.</summary>
public static class TrainConfigValidator
{
    private static readonly string[] Algorithms = ["max", "most_recent", "mean"];
    /// <summary>Element formats a per-tensor scaling recipe can target (block formats carry their own scales).</summary>
    private static readonly string[] Formats = ["e4m3", "e5m2", "hif8"];

    /// <summary>All problems with the config; empty when it is valid.</summary>
    public static IReadOnlyList<ConfigError> Validate(TrainConfig config)
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
        Check(double.IsFinite(config.LearningRate) && config.LearningRate > 0 && config.LearningRate <= 1, "learningRate", "must be a finite number in (0, 1]");
        Check(config.LogEvery >= 1, "logEvery", "must be at least 1");

        var m = config.Model;
        if (m is null)
        {
            errors.Add(new ConfigError("model", "is required"));
        }
        else
        {
            Check(m.Layers is >= 1 and <= 128, "model.layers", "must be between 1 and 128");
            Check(m.DModel is >= 8 and <= 8192, "model.dModel", "must be between 8 and 8192");
            Check(m.Heads >= 1 && m.DModel % Math.Max(1, m.Heads) == 0, "model.heads", "must be at least 1 and divide model.dModel");
            Check(m.Heads >= 1 && m.DModel / Math.Max(1, m.Heads) % 2 == 0, "model.heads", "head size (dModel / heads) must be even for rotary embeddings");
            Check(m.FfnDim is >= 1 and <= 65536, "model.ffnDim", "must be between 1 and 65536");
            Check(m.VocabSize is >= 256 and <= 300_000, "model.vocabSize", "must be between 256 (byte-level) and 300000");
            Check(m.ContextLength is >= 2 and <= 32768, "model.contextLength", "must be between 2 and 32768");
            Check(double.IsFinite(m.NormEps) && m.NormEps > 0, "model.normEps", "must be a positive finite number");
            Check(double.IsFinite(m.RopeTheta) && m.RopeTheta > 1, "model.ropeTheta", "must be a finite number above 1");
            Check(config.SeqLen <= m.ContextLength, "seqLen", "must not exceed model.contextLength");
        }

        var r = config.Recipe;
        if (r is null)
        {
            errors.Add(new ConfigError("recipe", "is required"));
        }
        else
        {
            Check(r.Format is not null && Formats.Contains(r.Format.ToLowerInvariant()), "recipe.format", $"must be one of: {string.Join(", ", Formats)}");
            Check(r.AmaxHistoryLength is >= 1 and <= 4096, "recipe.amaxHistoryLength", "must be between 1 and 4096");
            Check(Algorithms.Contains(r.AmaxComputeAlgo), "recipe.amaxComputeAlgo", $"must be one of: {string.Join(", ", Algorithms)}");
            Check(r.Margin is >= 0 and <= 16, "recipe.margin", "must be between 0 and 16");
            Check(r.UpdatePeriod is >= 1 and <= 1_000_000, "recipe.updatePeriod", "must be between 1 and 1000000");
        }

        if (config.Plan is not null)
            Check(QuantPlan.TryGetPreset(config.Plan, out _), "plan", $"must be null or one of: {string.Join(", ", QuantPlan.PresetNames)}");

        return errors;
    }
}
