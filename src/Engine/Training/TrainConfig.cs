using QuantScope.Engine.Model;
using QuantScope.Engine.Quantization;

namespace QuantScope.Engine.Training;

/// <summary>
/// Everything a training run needs. Immutable, validated once at the edge (<see cref="TrainConfigValidator"/>).
/// A JSON body of <c>{}</c> is the demo config.
/// </summary>
public sealed record TrainConfig
{
    /// <summary>Display name of the run.</summary>
    public string Name { get; init; } = "demo";
    /// <summary>Model size.</summary>
    public ModelConfig Model { get; init; } = ModelConfig.Demo;
    /// <summary>Optimizer steps to run.</summary>
    public int Steps { get; init; } = 300;
    /// <summary>Sequences per batch.</summary>
    public int BatchSize { get; init; } = 16;
    /// <summary>Tokens per sequence; at most <see cref="ModelConfig.ContextLength"/>.</summary>
    public int SeqLen { get; init; } = 64;
    /// <summary>Peak AdamW learning rate (cosine decay after a short linear warmup).</summary>
    public double LearningRate { get; init; } = 3e-3;
    /// <summary>Seed for weights and data order: the same seed gives the same run.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Fake-quantize every linear layer's input and weight; false trains in full precision.</summary>
    public bool Quantize { get; init; } = true;
    /// <summary>Scaling recipe for the quantized tensors (used when <see cref="Plan"/> is null).</summary>
    public DelayedScalingRecipe Recipe { get; init; } = new();
    /// <summary>
    /// Named quantization plan (<see cref="QuantPlan.PresetNames"/>: per-layer, per-role formats and recipes). Null = derive
    /// from <see cref="Quantize"/> and <see cref="Recipe"/> (every linear's input and weight, one delayed recipe).
    /// When set it wins over <see cref="Quantize"/> and <see cref="Recipe"/>.
    /// </summary>
    public string? Plan { get; init; }
    /// <summary>Emit metrics every N steps (1 = every step).</summary>
    public int LogEvery { get; init; } = 1;

    /// <summary>The plan this config runs: the preset named by <see cref="Plan"/>, else derived from quantize + recipe.</summary>
    public QuantPlan ResolvePlan() =>
        Plan is not null ? QuantPlan.Preset(Plan) : Quantize ? QuantPlan.FromRecipe(Recipe) : QuantPlan.HighPrecision;

    /// <summary>The dashboard's demo run.</summary>
    public static TrainConfig Demo { get; } = new();

    /// <summary>For tests: a few seconds on a CPU.</summary>
    public static TrainConfig Tiny { get; } = new() { Name = "tiny", Model = ModelConfig.Tiny, Steps = 20, BatchSize = 4, SeqLen = 32 };
}
