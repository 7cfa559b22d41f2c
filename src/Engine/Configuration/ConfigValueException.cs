using System.Text.Json;

namespace QuantScope.Engine.Configuration;

/// <summary>
/// A config value of the right JSON type that names nothing known (<c>"algorithm": "median"</c>). The serializer fills
/// in <see cref="JsonException.Path"/> (the field) and keeps <see cref="Exception.Message"/> (the reason), so readers
/// turn it into a <see cref="Telemetry.ConfigError"/> that names the field.
/// </summary>
public sealed class ConfigValueException : JsonException
{
    /// <summary>An unknown value.</summary>
    /// <param name="reason">What the value must be, e.g. <c>must be one of: max, most_recent, mean</c>.</param>
    public ConfigValueException(string reason) : base(reason)
    {
    }
}
