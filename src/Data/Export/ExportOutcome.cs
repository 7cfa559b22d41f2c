using QuantScope.Engine.Telemetry;

namespace QuantScope.Data.Export;

/// <summary>What an export request came to: a file, errors naming the bad fields, or an unknown run.</summary>
public sealed record ExportOutcome(ExportFile? File, IReadOnlyList<ConfigError> Errors, bool RunNotFound)
{
    /// <summary>The file was made.</summary>
    public static ExportOutcome Ok(ExportFile file) => new(file, [], false);

    /// <summary>The request was bad: <paramref name="field"/> says which part.</summary>
    public static ExportOutcome Invalid(string field, string message) => new(null, [new ConfigError(field, message)], false);

    /// <summary>No run has the id.</summary>
    public static readonly ExportOutcome NotFound = new(null, [], true);
}
