using System.Text.Json.Serialization;
using QuantScope.Engine.Configuration;

namespace QuantScope.Engine.Training;

/// <summary>Where a phase's text comes from.</summary>
public sealed record DataConfig
{
    /// <summary><c>builtin</c>, <c>builtin-pretrain</c> or <c>text</c>.</summary>
    [JsonConverter(typeof(WireEnumConverter<DataKind>))]
    public DataKind Kind { get; init; } = DataKind.Builtin;

    /// <summary>For <c>text</c>: the file (relative paths resolve against the config file's folder, or the working directory).</summary>
    public string? Path { get; init; }
}
