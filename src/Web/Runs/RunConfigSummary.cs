using System.Text.Json;

namespace QuantScope.Web.Runs;

/// <summary>Reads display facts out of a stored config (JSON), tolerating configs of other kinds of run.</summary>
public static class RunConfigSummary
{
    /// <summary>The planned number of steps, or 0 when the config does not say.</summary>
    public static int Steps(string? configJson)
    {
        if (string.IsNullOrWhiteSpace(configJson)) return 0;
        try
        {
            using var doc = JsonDocument.Parse(configJson);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("steps", out var steps)
                && steps.ValueKind == JsonValueKind.Number && steps.TryGetInt32(out var n) ? n : 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }
}
