using System.Text.Json;

namespace QuantScope.Web.Setup;

/// <summary>Reads JSON the store holds (a run's summary or config) that may be absent or from an older shape.</summary>
public static class StoredJson
{
    /// <summary>The value, or null when <paramref name="json"/> is empty or does not parse as <typeparamref name="T"/>.</summary>
    public static T? Parse<T>(string? json) where T : class
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(json, JsonDefaults.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
