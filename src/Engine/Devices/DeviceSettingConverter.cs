using System.Text.Json;
using System.Text.Json.Serialization;
using QuantScope.Engine.Configuration;

namespace QuantScope.Engine.Devices;

/// <summary>Reads and writes a <see cref="DeviceSetting"/> as its config text; other text is a <see cref="ConfigValueException"/> naming the forms.</summary>
public sealed class DeviceSettingConverter : JsonConverter<DeviceSetting>
{
    /// <inheritdoc />
    public override DeviceSetting Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException(); // the serializer words it and adds the path
        return DeviceSetting.TryParse(reader.GetString(), out var setting) ? setting : throw new ConfigValueException(DeviceSetting.MustBeOneOf);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DeviceSetting value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
