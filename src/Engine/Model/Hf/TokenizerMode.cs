using QuantScope.Engine.Configuration;

namespace QuantScope.Engine.Model.Hf;

/// <summary>How a Hugging Face folder's run reads its text (<see cref="InitConfig.Tokenizer"/>, <c>hf eval --tokenizer</c>).</summary>
public enum TokenizerMode
{
    /// <summary>"auto": the folder's <c>tokenizer.json</c> / <c>tokenizer.model</c> (bytes for a byte-level model without one).</summary>
    [WireName("auto")] Auto,
    /// <summary>"byte": UTF-8 bytes (ids 0..255), whatever the folder holds.</summary>
    [WireName("byte")] Byte,
}
