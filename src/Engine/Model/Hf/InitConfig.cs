namespace QuantScope.Engine.Model.Hf;

/// <summary>
/// Where a run's weights start: <c>{"kind": "hf", "path": "/models/SmolLM-135M"}</c> = a local Hugging Face model
/// folder (its config replaces the run's <c>model</c>, its weights replace the seed's random init).
/// </summary>
public sealed record InitConfig
{
    /// <summary>A Hugging Face model folder.</summary>
    public const string Hf = "hf";

    /// <summary>The accepted kinds.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [Hf];

    /// <summary><c>hf</c>.</summary>
    public string Kind { get; init; } = Hf;

    /// <summary>The folder (absolute, or relative to the config file's folder / the working directory).</summary>
    public string? Path { get; init; }
}
