namespace QuantScope.Engine.Training;

/// <summary>
/// The optional high-precision pretraining phase. Its checkpoint is cached under a key made of these settings, the
/// model size and the seed, so every experiment with the same pretraining starts from the same weights.
/// </summary>
public sealed record PretrainConfig
{
    /// <summary>Pretraining text; default: the built-in world's knowledge part.</summary>
    public DataConfig Data { get; init; } = new() { Kind = DataKind.BuiltinPretrain };

    /// <summary>Optimizer steps.</summary>
    public int Steps { get; init; } = 400;

    /// <summary>Peak learning rate (warmup + cosine, like the main phase).</summary>
    public double LearningRate { get; init; } = 3e-3;
}
