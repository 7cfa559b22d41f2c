using QuantScope.Engine.Training;

namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>
/// The fields of a run's requested config the detectors read (null = unknown, e.g. an imported run). Plain data so
/// that callers without a <see cref="TrainConfig"/> can fill what they know.
/// </summary>
public sealed record RequestedSettings
{
    /// <summary>Peak learning rate of the main phase.</summary>
    public double? LearningRate { get; init; }
    /// <summary>Main-phase steps.</summary>
    public int? Steps { get; init; }
    /// <summary>Steps trained unquantized before QAT starts.</summary>
    public int? Bf16WarmupSteps { get; init; }
    /// <summary>True when a BF16 twin trains alongside.</summary>
    public bool? Baseline { get; init; }
    /// <summary>False when no quantization was requested at all.</summary>
    public bool? Quantized { get; init; }
    /// <summary>Requested override of every delayed rule's history length.</summary>
    public int? HistoryLength { get; init; }
    /// <summary>Requested override of every delayed rule's algorithm.</summary>
    public Quantization.AmaxAlgorithm? Algorithm { get; init; }
    /// <summary>Requested override of every delayed and current rule's margin.</summary>
    public int? Margin { get; init; }
    /// <summary>Requested override of every input and weight format.</summary>
    public string? Format { get; init; }

    /// <summary>What a validated engine config asks for.</summary>
    public static RequestedSettings From(TrainConfig config) => new()
    {
        LearningRate = config.LearningRate,
        Steps = config.Steps,
        Bf16WarmupSteps = config.Bf16WarmupSteps,
        Baseline = config.Baseline,
        Quantized = config.Quant is not null,
        HistoryLength = config.Quant?.HistoryLength,
        Algorithm = config.Quant?.Algorithm,
        Margin = config.Quant?.Margin,
        Format = config.Quant?.Format?.Name,
    };
}
