using QuantScope.Engine.Configuration;

namespace QuantScope.Engine.Telemetry;

/// <summary>
/// The one text form of <see cref="RunStatus"/>: the lower-case name ("running", "completed"), as the API's JSON,
/// the run summary and the CLI write it. Parsing ignores case, so stored enum names ("Running") read as well.
/// </summary>
public static class RunStatusText
{
    /// <summary>The wire name (lower case) of <paramref name="status"/>.</summary>
    public static string ToText(this RunStatus status) => WireNames<RunStatus>.Of(status);

    /// <summary>True once the run, job or sweep is over: any status but pending and running.</summary>
    public static bool HasEnded(this RunStatus status) => status is not (RunStatus.Pending or RunStatus.Running or RunStatus.Queued);

    /// <summary>The status named <paramref name="text"/> in any case; false for anything else (numbers included).</summary>
    public static bool TryParse(string? text, out RunStatus status)
    {
        status = default;
        var trimmed = text?.Trim();
        return !string.IsNullOrEmpty(trimmed) && char.IsLetter(trimmed[0]) && Enum.TryParse(trimmed, ignoreCase: true, out status)
            && Enum.IsDefined(status);
    }
}
