namespace QuantScope.Engine.Training;

/// <summary>Where a phase's text comes from.</summary>
public sealed record DataConfig
{
    /// <summary>The built-in world's new-domain part (the main phase's default).</summary>
    public const string Builtin = "builtin";

    /// <summary>The built-in world's pretraining-knowledge part.</summary>
    public const string BuiltinPretrain = "builtin-pretrain";

    /// <summary>A UTF-8 text file at <see cref="Path"/>.</summary>
    public const string Text = "text";

    /// <summary>The accepted kinds.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [Builtin, BuiltinPretrain, Text];

    /// <summary><c>builtin</c>, <c>builtin-pretrain</c> or <c>text</c>.</summary>
    public string Kind { get; init; } = Builtin;

    /// <summary>For <c>text</c>: the file (relative paths resolve against the config file's folder, or the working directory).</summary>
    public string? Path { get; init; }
}
