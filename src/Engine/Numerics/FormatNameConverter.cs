using System.Text.Json;
using System.Text.Json.Serialization;
using QuantScope.Engine.Configuration;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// Reads and writes a <see cref="FormatName"/> as its exact text (<c>"e4m3"</c>, <c>"int4-g128"</c>). An unknown name
/// throws <see cref="ConfigValueException"/> (<see cref="FormatName.NotKnown"/>; the serializer adds the field's path),
/// a non-string a plain <see cref="JsonException"/>. JSON null never reaches it: a nullable field reads null.
/// </summary>
public sealed class FormatNameConverter : JsonConverter<FormatName>
{
    /// <inheritdoc />
    public override FormatName Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException(); // the serializer words it and adds the path
        return FormatName.TryParse(reader.GetString(), out var name) ? name : throw new ConfigValueException(FormatName.NotKnown);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, FormatName value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Name);
}
