using static TorchSharp.torch;

namespace QuantScope.Engine.Model.SafeTensors;

/// <summary>
/// One safetensors file, memory-mapped and validated on open (<see cref="SafeTensorsHeader"/>). Tensors are decoded
/// on request into float32 (F16 and BF16 by bit reinterpretation, exactly).
/// </summary>
public sealed class SafeTensorsFile : IDisposable
{
    private readonly ByteSource _bytes;
    private readonly Dictionary<string, SafeTensorInfo> _byName;

    private SafeTensorsFile(ByteSource bytes, string source)
    {
        _bytes = bytes;
        Source = source;
        try
        {
            Span<byte> first8 = stackalloc byte[8];
            if (bytes.Length >= 8) bytes.Read(0, first8);
            var n = SafeTensorsHeader.ReadLength(first8, bytes.Length, source);
            var json = new byte[n];
            bytes.Read(8, json);
            Header = SafeTensorsHeader.Parse(json, bytes.Length - 8 - n, source);
            _byName = Header.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        }
        catch
        {
            bytes.Dispose();
            throw;
        }
    }

    /// <summary>The file's path (or "memory").</summary>
    public string Source { get; }

    /// <summary>The validated header.</summary>
    public SafeTensorsHeader Header { get; }

    /// <summary>The tensors in data-offset order.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors => Header.Tensors;

    /// <summary>Opens and validates <paramref name="path"/> (memory-mapped, read-only).</summary>
    /// <exception cref="SafeTensorsException">The file is missing, unreadable or malformed.</exception>
    public static SafeTensorsFile Open(string path)
    {
        long length;
        try
        {
            length = new FileInfo(path).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new SafeTensorsException($"{path}: cannot be read ({ex.Message})", ex);
        }

        if (!File.Exists(path)) throw new SafeTensorsException($"{path}: file not found");
        if (length < 8) throw new SafeTensorsException($"{path}: {length} bytes is shorter than the 8-byte header length");
        ByteSource source;
        try
        {
            source = new MappedByteSource(path, length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SafeTensorsException($"{path}: cannot be mapped ({ex.Message})", ex);
        }

        return new SafeTensorsFile(source, path);
    }

    /// <summary>Validates a file held in memory.</summary>
    /// <exception cref="SafeTensorsException">The bytes are malformed.</exception>
    public static SafeTensorsFile FromBytes(byte[] bytes, string source = "memory") => new(new ArrayByteSource(bytes), source);

    /// <summary>Whether the file holds <paramref name="name"/>.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The header entry of <paramref name="name"/>.</summary>
    /// <exception cref="SafeTensorsException">No such tensor.</exception>
    public SafeTensorInfo Info(string name) =>
        _byName.TryGetValue(name, out var info) ? info : throw new SafeTensorsException($"{Source}: no tensor '{name}'");

    /// <summary>The raw little-endian bytes of <paramref name="name"/>.</summary>
    public byte[] ReadBytes(string name)
    {
        var info = Info(name);
        if (info.ByteCount > Array.MaxLength) throw new SafeTensorsException($"{Source}: tensor '{name}' is {info.ByteCount} bytes, too large for one array");
        var bytes = new byte[info.ByteCount];
        _bytes.Read(Header.DataStart + info.Begin, bytes);
        return bytes;
    }

    /// <summary>The values of <paramref name="name"/> as float32 (flat, row-major).</summary>
    public float[] ReadFloat32(string name)
    {
        var info = Info(name);
        var values = new float[info.ElementCount];
        HalfBits.Decode(ReadBytes(name), info.DType, values);
        return values;
    }

    /// <summary>A new float32 CPU tensor of <paramref name="name"/> with its shape.</summary>
    public Tensor ReadTensor(string name) => tensor(ReadFloat32(name), Info(name).Shape.ToArray());

    /// <summary>Unmaps the file.</summary>
    public void Dispose() => _bytes.Dispose();
}
