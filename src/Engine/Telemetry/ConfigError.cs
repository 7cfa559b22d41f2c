namespace QuantScope.Engine.Telemetry;

/// <summary>A validation error of a config, naming the field by its JSON path (e.g. <c>model.layers</c>).</summary>
public sealed record ConfigError(string Field, string Message)
{
    /// <summary>The error as one line: <c>field: message</c>.</summary>
    public override string ToString() => $"{Field}: {Message}";
}
