using System.Text.Json;
using System.Text.Json.Serialization;

namespace QuantScope.Engine.Configuration;

/// <summary>
/// Reads and writes a config enum as its exact <see cref="WireNameAttribute"/> text, so stored configs, the Python
/// client and the New run form keep their strings. Put it on the property (<c>[JsonConverter(typeof(...))]</c>): a
/// property's converter wins over the API's global enum converter, which would write <c>mostRecent</c>. An unknown
/// name throws <see cref="ConfigValueException"/> listing the known ones; a non-string a plain <see cref="JsonException"/>.
/// </summary>
/// <typeparam name="T">The enum.</typeparam>
public sealed class WireEnumConverter<T> : JsonConverter<T> where T : struct, Enum
{
    /// <inheritdoc />
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException(); // the serializer words it and adds the path
        return WireNames<T>.TryParse(reader.GetString(), out var value) ? value : throw new ConfigValueException(WireNames<T>.MustBeOneOf);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WriteStringValue(WireNames<T>.Of(value));
}
