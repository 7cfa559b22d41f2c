using QuantScope.Engine.Numerics;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Formats;

/// <summary>
/// Checks a quantize request once, at the edge (API and page share it). Errors are keyed by the request field:
/// <c>values</c>, <c>scale</c>, <c>groupSize</c>.
/// </summary>
public static class FormatQuantizeLimits
{
    /// <summary>Most values one request may quantize.</summary>
    public const int MaxValues = 1_000_000;

    /// <summary>Smallest and largest INT group size (the engine's limits).</summary>
    public const int MinGroupSize = 16, MaxGroupSize = 1024;

    /// <summary>Every problem, one per field; empty when the request is valid.</summary>
    public static IReadOnlyList<ConfigError> Validate(INumberFormat format, int? count, double scale, int? groupSize)
    {
        var errors = new List<ConfigError>();
        if (count is null) errors.Add(new("values", "is required: an array of numbers"));
        else if (count > MaxValues) errors.Add(new("values", $"has {count} values; at most {MaxValues} are allowed"));
        if (!double.IsFinite(scale) || scale <= 0) errors.Add(new("scale", "must be a finite number greater than 0"));
        if (groupSize is { } g)
        {
            if (g is < MinGroupSize or > MaxGroupSize)
                errors.Add(new("groupSize", $"must be {MinGroupSize}..{MaxGroupSize}, got {g}"));
            else if (format is IntFormat && count is { } n && n % g != 0)
                errors.Add(new("groupSize", $"must divide the number of values ({n}) for INT formats, got {g}"));
        }
        return errors;
    }
}
