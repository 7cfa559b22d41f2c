using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace QuantScope.Web.Ingest;

/// <summary>
/// Hands out one string per distinct metric or layer name of a batch: a 10,000-point batch names a handful of
/// metrics thousands of times, and reading each as a new string cost most of the reader's allocations. A name is
/// looked up by its raw UTF-8 bytes (decoded strictly into a reused buffer, no string made); only the first sighting
/// goes through <see cref="JsonElement.GetString"/> and the caller's validation.
/// </summary>
internal sealed class NameCache
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private char[] _chars = new char[64];

    public NameCache() => _lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The known string equal to the JSON string <paramref name="e"/>, or null (not seen yet, escaped, or not a string).</summary>
    public string? Find(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.String) return null;
        var raw = JsonMarshal.GetRawUtf8Value(e);
        if (raw.Length >= 2 && raw[0] == (byte)'"') raw = raw[1..^1];
        if (raw.IndexOf((byte)'\\') >= 0) return null; // escapes: the slow path unescapes
        if (raw.Length > _chars.Length) _chars = new char[Math.Max(raw.Length, _chars.Length * 2)];
        int length;
        try
        {
            length = Strict.GetChars(raw, _chars);
        }
        catch (DecoderFallbackException)
        {
            return null; // invalid UTF-8: the slow path reports it
        }
        return _lookup.TryGetValue(_chars.AsSpan(0, length), out var known) ? known : null;
    }

    /// <summary>Remembers a validated name.</summary>
    public string Add(string name)
    {
        _names.TryAdd(name, name);
        return name;
    }
}
