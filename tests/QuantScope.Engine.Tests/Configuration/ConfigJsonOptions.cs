using System.Text.Json;
using System.Text.Json.Serialization;

namespace QuantScope.Engine.Tests.Configuration;

/// <summary>The two JSON dialects configs meet: the web's, and the plain one of config hashes and cache keys.</summary>
internal static class ConfigJsonOptions
{
    /// <summary>The web's dialect: a global camelCase enum converter, which the config properties' own converters must win over.</summary>
    public static JsonSerializerOptions Api { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>What config hashes and cache keys serialize with: no enum converter at all.</summary>
    public static JsonSerializerOptions Plain { get; } = new(JsonSerializerDefaults.Web);
}
