using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Unicode;

namespace QuantScope.Engine.Model.SafeTensors;

/// <summary>
/// A parsed, validated safetensors header: 8-byte little-endian header length N, N bytes of UTF-8 JSON (an object of
/// tensor entries plus an optional <c>__metadata__</c> string map), then the data section. Validation is strict: the
/// tensors' byte ranges must tile the data section exactly (no overlap, no gap, nothing left over).
/// </summary>
public sealed record SafeTensorsHeader
{
    /// <summary>Largest header accepted, bytes: real headers are a few hundred KB; anything near this is a corrupt length.</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>Tensors in data-offset order.</summary>
    public required IReadOnlyList<SafeTensorInfo> Tensors { get; init; }

    /// <summary>The <c>__metadata__</c> entries (empty when absent).</summary>
    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    /// <summary>Bytes of the JSON header (N); the data section starts at 8 + N.</summary>
    public required long HeaderLength { get; init; }

    /// <summary>Offset of the data section in the file, bytes.</summary>
    public long DataStart => 8 + HeaderLength;

    /// <summary>Reads the header length from the file's first 8 bytes and checks it against the file's size.</summary>
    /// <exception cref="SafeTensorsException">The file is too short, or the length is absurd or runs past the file.</exception>
    public static long ReadLength(ReadOnlySpan<byte> first8, long fileLength, string source)
    {
        if (fileLength < 8 || first8.Length < 8)
            throw new SafeTensorsException($"{source}: {fileLength} bytes is shorter than the 8-byte header length");
        var n = BinaryPrimitives.ReadUInt64LittleEndian(first8);
        if (n > MaxHeaderBytes) throw new SafeTensorsException($"{source}: header length {n} bytes is absurd (limit {MaxHeaderBytes})");
        if ((long)n > fileLength - 8)
            throw new SafeTensorsException($"{source}: header length {n} bytes is longer than the file allows ({fileLength - 8} bytes after the length)");
        return (long)n;
    }

    /// <summary>Parses and validates the JSON header against a data section of <paramref name="dataLength"/> bytes.</summary>
    /// <exception cref="SafeTensorsException">Anything malformed; the message names the tensor and the problem.</exception>
    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> json, long dataLength, string source)
    {
        try
        {
            return ParseCore(json, dataLength);
        }
        catch (SafeTensorsException ex)
        {
            throw new SafeTensorsException($"{source}: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            // System.Text.Json refuses to unescape invalid text (a lone surrogate in a name, say).
            throw new SafeTensorsException($"{source}: header holds an invalid string ({ex.Message})", ex);
        }
    }

    private static SafeTensorsHeader ParseCore(ReadOnlySpan<byte> json, long dataLength)
    {
        if (json.Length == 0 || json[0] != (byte)'{') throw new SafeTensorsException("header is not a JSON object (must start with '{')");
        if (!Utf8.IsValid(json)) throw new SafeTensorsException("header is not valid UTF-8");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw new SafeTensorsException($"header is not valid JSON ({ex.Message})");
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new SafeTensorsException("header is not a JSON object");
            var names = new HashSet<string>(StringComparer.Ordinal);
            var tensors = new List<SafeTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name)) throw new SafeTensorsException($"duplicate name '{Short(property.Name)}'");
                if (property.Name == "__metadata__") ReadMetadata(property.Value, metadata);
                else tensors.Add(ReadTensor(property.Name, property.Value, dataLength));
            }

            var ordered = tensors.OrderBy(t => t.Begin).ThenBy(t => t.End).ToArray();
            CheckTiling(ordered, dataLength);
            return new SafeTensorsHeader { Tensors = ordered, Metadata = metadata, HeaderLength = json.Length };
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object) throw new SafeTensorsException("__metadata__ must be an object of strings");
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String) throw new SafeTensorsException($"__metadata__ '{Short(entry.Name)}' must be a string");
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!)) throw new SafeTensorsException($"__metadata__ has duplicate key '{Short(entry.Name)}'");
        }
    }

    private static SafeTensorInfo ReadTensor(string name, JsonElement value, long dataLength)
    {
        var at = $"tensor '{Short(name)}'";
        if (name.Length == 0) throw new SafeTensorsException("a tensor has an empty name");
        if (value.ValueKind != JsonValueKind.Object) throw new SafeTensorsException($"{at}: entry must be an object");
        JsonElement? dtype = null, shape = null, offsets = null;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtype is null: dtype = field.Value; break;
                case "shape" when shape is null: shape = field.Value; break;
                case "data_offsets" when offsets is null: offsets = field.Value; break;
                case "dtype" or "shape" or "data_offsets": throw new SafeTensorsException($"{at}: duplicate field '{field.Name}'");
                default: throw new SafeTensorsException($"{at}: unexpected field '{Short(field.Name)}'");
            }
        }

        if (dtype is not { ValueKind: JsonValueKind.String } d) throw new SafeTensorsException($"{at}: dtype must be a string");
        if (shape is not { ValueKind: JsonValueKind.Array } s) throw new SafeTensorsException($"{at}: shape must be an array of integers");
        if (offsets is not { ValueKind: JsonValueKind.Array } o || o.GetArrayLength() != 2)
            throw new SafeTensorsException($"{at}: data_offsets must be [begin, end]");
        var type = SafeTensorDTypes.Parse(d.GetString()!, Short(name));
        var dims = s.EnumerateArray().Select(e => ReadCount(e, $"{at}: shape")).ToArray();
        var begin = ReadCount(o[0], $"{at}: data_offsets");
        var end = ReadCount(o[1], $"{at}: data_offsets");
        if (begin > end) throw new SafeTensorsException($"{at}: data_offsets [{begin}, {end}] end before they begin");
        if (end > dataLength) throw new SafeTensorsException($"{at}: data_offsets [{begin}, {end}] run past the data section ({dataLength} bytes)");
        long bytes = SafeTensorDTypes.ByteSize(type);
        foreach (var dim in dims)
        {
            if (dim != 0 && bytes > long.MaxValue / dim) throw new SafeTensorsException($"{at}: shape [{string.Join(", ", dims)}] is too large");
            bytes *= dim;
        }

        if (bytes != end - begin)
            throw new SafeTensorsException($"{at}: shape [{string.Join(", ", dims)}] of {type} needs {bytes} bytes but data_offsets give {end - begin}");
        return new SafeTensorInfo(name, type, dims, begin, end);
    }

    private static long ReadCount(JsonElement e, string at) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var v) && v >= 0
            ? v
            : throw new SafeTensorsException($"{at} must hold non-negative integers");

    private static void CheckTiling(SafeTensorInfo[] ordered, long dataLength)
    {
        long expected = 0;
        string? previous = null;
        foreach (var t in ordered)
        {
            if (t.Begin < expected) throw new SafeTensorsException($"tensor '{Short(t.Name)}' overlaps tensor '{Short(previous!)}' (bytes {t.Begin}..{expected})");
            if (t.Begin > expected) throw new SafeTensorsException($"bytes {expected}..{t.Begin} of the data section belong to no tensor (before '{Short(t.Name)}')");
            expected = t.End;
            previous = t.Name;
        }

        if (expected != dataLength)
            throw new SafeTensorsException($"bytes {expected}..{dataLength} of the data section belong to no tensor");
    }

    private static string Short(string s) => SafeTensorDTypes.Truncate(s);
}
