using System.Text.Json.Serialization;
using QuantScope.Engine.Configuration;
using QuantScope.Engine.Model;
using QuantScope.Engine.Quantization;

namespace QuantScope.Engine.Training;

/// <summary>
/// One experiment: optional pretraining, then the main phase (BF16 warmup, then QAT under a quant plan), optionally
/// with a BF16 twin in lockstep. Immutable, validated once at the edge (<see cref="ConfigValidator"/>). A JSON
/// body of <c>{}</c> is the demo config.
/// </summary>
public sealed record TrainConfig
{
    /// <summary>Display name of the run.</summary>
    public string Name { get; init; } = "demo";
    /// <summary>Model size (config readers also accept a preset name: <see cref="ModelConfig.PresetNames"/>).</summary>
    public ModelConfig Model { get; init; } = ModelConfig.Demo;
    /// <summary>Seed for weights, data, batch order and dropout: the same seed gives the same run.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>
    /// Start from a Hugging Face model folder (<c>{"kind": "hf", "path": ...}</c>): its config replaces <see cref="Model"/>
    /// and its weights the random init; null = the seed's random weights.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public Model.Hf.InitConfig? Init { get; init; }
    /// <summary>Optional high-precision pretraining before the main phase; null = start from the seed's random weights.</summary>
    public PretrainConfig? Pretrain { get; init; }
    /// <summary>The main phase's text.</summary>
    public DataConfig Data { get; init; } = new();
    /// <summary>Main-phase optimizer steps (BF16 warmup included).</summary>
    public int Steps { get; init; } = 300;
    /// <summary>Sequences per batch.</summary>
    public int BatchSize { get; init; } = 16;
    /// <summary>Tokens per sequence; at most the model's context length.</summary>
    public int SeqLen { get; init; } = 64;
    /// <summary>Peak AdamW learning rate of the main phase.</summary>
    public double LearningRate { get; init; } = 3e-3;
    /// <summary>Linear LR warmup steps before the cosine decay; null = 10 % of the steps (1..100).</summary>
    public int? LrWarmupSteps { get; init; }
    /// <summary>AdamW weight decay on matrices (norm weights get none).</summary>
    public double WeightDecay { get; init; } = 0.1;
    /// <summary>Global gradient-norm clip; 0 = no clipping.</summary>
    public double GradClip { get; init; } = 1.0;
    /// <summary>Residual dropout probability in [0, 1).</summary>
    public double Dropout { get; init; }
    /// <summary>Main-phase steps run without quantization before QAT starts (histories reset when it does).</summary>
    public int Bf16WarmupSteps { get; init; }
    /// <summary>Also train the unquantized twin on the same batches, in lockstep, for loss APE and relative drops.</summary>
    public bool Baseline { get; init; }
    /// <summary>The QAT plan; null = no quantization at all.</summary>
    public QuantConfig? Quant { get; init; } = new();
    /// <summary>Evaluate (held-out loss, probes, tasks) at the start, every N main steps and at the end; 0 = never.</summary>
    public int EvalEvery { get; init; }
    /// <summary>Extra multiple-choice tasks: JSONL files of <c>{"context", "choices", "gold"}</c>.</summary>
    public IReadOnlyList<string> Tasks { get; init; } = [];
    /// <summary>
    /// Where the run trains: <c>auto</c> (the first CUDA device when the build and the machine have one, else the CPU),
    /// <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>. Not given (null) = the host's default: <c>Training:Device</c> on the
    /// dashboard and its workers, <c>auto</c> in the CLI. A device that is not there is refused by the validator.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Devices.DeviceSetting? Device { get; init; }
    /// <summary>Matmul precision of the high-precision parts: <c>bf16</c> (weights stay FP32 masters) or <c>fp32</c>.</summary>
    [JsonConverter(typeof(WireEnumConverter<Precision>))]
    public Precision Precision { get; init; } = Precision.Bf16;
    /// <summary>The "last K steps" of the loss-APE summary (all steps when the run is shorter).</summary>
    public int ApeLastSteps { get; init; } = 1000;
    /// <summary>How often the per-layer diagnostics are computed.</summary>
    public StatsConfig Stats { get; init; } = new();
    /// <summary>Emit metrics every N steps (1 = every step).</summary>
    public int LogEvery { get; init; } = 1;
    /// <summary>
    /// Save the model's parameters every N main steps and after the last step (<c>step-N.qsck</c> plus a manifest, under
    /// the trainer's checkpoint folder / run id), for post-training quantization of checkpoints; 0 = no checkpoints.
    /// Off by default: a demo-size checkpoint is ~5 MB and most runs never need one.
    /// </summary>
    public int CheckpointEvery { get; init; }

    /// <summary>The main phase's plan: <see cref="Quant"/>'s, or everything high precision when it is null.</summary>
    public QuantPlan ResolvePlan() => Quant?.ToPlan() ?? QuantPlan.HighPrecision;

    /// <summary>The dashboard's demo run.</summary>
    public static TrainConfig Demo { get; } = new();

    /// <summary>For tests: a few seconds on a CPU.</summary>
    public static TrainConfig Tiny { get; } = new() { Name = "tiny", Model = ModelConfig.Tiny, Steps = 20, BatchSize = 4, SeqLen = 32 };
}
