using QuantScope.Engine.Configuration;

namespace QuantScope.Engine.Training;

/// <summary>Where a phase's text comes from (<see cref="DataConfig.Kind"/>).</summary>
public enum DataKind
{
    /// <summary>"builtin": the built-in world's new-domain part (the main phase's default).</summary>
    [WireName("builtin")] Builtin,
    /// <summary>"builtin-pretrain": the built-in world's pretraining-knowledge part.</summary>
    [WireName("builtin-pretrain")] BuiltinPretrain,
    /// <summary>"text": a UTF-8 text file at <see cref="DataConfig.Path"/>.</summary>
    [WireName("text")] Text,
}
