using System.Text.Json.Serialization;
using QuantScope.Engine.Configuration;

namespace QuantScope.Engine.Model.Hf;

/// <summary>
/// Where a run's weights start: <c>{"kind": "hf", "path": "/models/SmolLM-135M"}</c> = a local Hugging Face model
/// folder (its config replaces the run's <c>model</c>, its weights replace the seed's random init, and its tokenizer reads
/// the run's text: training data, held-out loss, probes and tasks).
/// </summary>
public sealed record InitConfig
{
    /// <summary><c>hf</c>.</summary>
    [JsonConverter(typeof(WireEnumConverter<InitKind>))]
    public InitKind Kind { get; init; } = InitKind.Hf;

    /// <summary>The folder (absolute, or relative to the config file's folder / the working directory).</summary>
    public string? Path { get; init; }

    /// <summary>
    /// How the run's text becomes tokens. <c>auto</c> (default): the folder's <c>tokenizer.json</c> (byte-level BPE) or
    /// <c>tokenizer.model</c> (SentencePiece); a folder without one is refused, except a model whose vocab_size is
    /// exactly 256 (a byte-level model, such as a QuantScope run exported with <c>hf export</c>), which reads bytes.
    /// <c>byte</c>: UTF-8 bytes explicitly (ids 0..255; only meaningful for a model trained on bytes).
    /// </summary>
    [JsonConverter(typeof(WireEnumConverter<TokenizerMode>))]
    public TokenizerMode Tokenizer { get; init; } = TokenizerMode.Auto;
}
