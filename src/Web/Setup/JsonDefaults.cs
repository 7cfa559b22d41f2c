using System.Text.Json;
using System.Text.Json.Serialization;

namespace QuantScope.Web.Setup;

/// <summary>One JSON dialect for the API, the hub and stored configs: camelCase, enums as strings, NaN/Infinity as strings.</summary>
public static class JsonDefaults
{
    /// <summary>Applies the QuantScope dialect to <paramref name="options"/>.</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        // Metrics legitimately hold NaN/Inf (a diverged layer): they travel as "NaN", "Infinity", "-Infinity".
        options.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        return options;
    }

    /// <summary>A shared, read-only instance of the dialect.</summary>
    public static JsonSerializerOptions Options { get; } = CreateFrozen();

    private static JsonSerializerOptions CreateFrozen()
    {
        var options = Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
