using System.Buffers.Binary;
using System.Text.Json;

namespace QuantScope.Engine.Model.SafeTensors;

/// <summary>Writes safetensors files: 8-byte little-endian header length, JSON header padded with spaces to 8 bytes, data.</summary>
public static class SafeTensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> in the given order to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">Duplicate or empty names, the reserved name, or bytes that do not fit a shape.</exception>
    public static void Write(Stream output, IReadOnlyList<SafeTensorData> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = BuildHeader(tensors, metadata);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        output.Write(length);
        output.Write(header);
        foreach (var t in tensors) output.Write(t.Bytes);
    }

    /// <summary>Writes a file at <paramref name="path"/> (through a temp file, so a crash never leaves half a file).</summary>
    public static void WriteFile(string path, IReadOnlyList<SafeTensorData> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var temp = path + ".tmp";
        using (var stream = File.Create(temp)) Write(stream, tensors, metadata);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The file's bytes in memory.</summary>
    public static byte[] ToBytes(IReadOnlyList<SafeTensorData> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new MemoryStream();
        Write(stream, tensors, metadata);
        return stream.ToArray();
    }

    private static byte[] BuildHeader(IReadOnlyList<SafeTensorData> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            long offset = 0;
            foreach (var t in tensors)
            {
                if (string.IsNullOrEmpty(t.Name) || t.Name == "__metadata__" || !names.Add(t.Name))
                    throw new ArgumentException($"Tensor name '{t.Name}' is empty, reserved or duplicated.", nameof(tensors));
                var expected = t.Shape.Aggregate((long)SafeTensorDTypes.ByteSize(t.DType), (a, d) => a * d);
                if (expected != t.Bytes.LongLength)
                    throw new ArgumentException($"Tensor '{t.Name}' [{string.Join(", ", t.Shape)}] {t.DType} needs {expected} bytes, got {t.Bytes.LongLength}.", nameof(tensors));
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", SafeTensorDTypes.Name(t.DType));
                json.WriteStartArray("shape");
                foreach (var d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + expected);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += expected;
            }

            json.WriteEndObject();
        }

        // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
        var padded = (buffer.Length + 7) / 8 * 8;
        while (buffer.Length < padded) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}
