using System.Text;

namespace QuantScope.Web.Tests.Fuzz;

/// <summary>
/// A fixed-seed generator of hostile inputs from valid seeds: random bytes, truncation, byte flips, dictionary tokens
/// (NaN/Inf strings, huge numbers, JSON punctuation, wrong types, path names that try to escape the data folder),
/// deep nesting, duplicated and spliced slices. The same seed always gives the same sequence.
/// </summary>
public sealed class FuzzMutator(int seed, IReadOnlyList<byte[]> seeds)
{
    /// <summary>Largest input produced, bytes (keeps the quick pass fast; huge bodies have their own size limits).</summary>
    public const int MaxLength = 256 * 1024;

    private static readonly byte[][] Tokens = new[]
    {
        "NaN", "-NaN", "Infinity", "-Infinity", "inf", "-inf", "nan", "1e309", "-1e309", "1e-400", "99999999999999999999999",
        "-2147483649", "2147483648", "0x7fffffff", "-0", "1.7976931348623157e308", "4.9e-324", "null", "true", "false",
        "\"\"", "\"", "{", "}", "[", "]", ",", ":", "{}", "[]", "\"NaN\"", "\"Infinity\"", "[1,2,3]", "{\"a\":{}}",
        "../../etc/passwd", "..\\..\\windows\\system32", "/etc/shadow", "~/.ssh/id_rsa", "C:\\con", "\u0000", "\r\n", "\n", "\t",
        "\uFFFF", "\uD83D\uDE00", "\u202E", "step", "global_step", "iteration=", "value=", "step=", "=", "%", "|", "#",
        "model.layers.0.mlp.fc2_activation_underflows%", "{\"kind\":\"hf\",\"path\":\"../../etc\"}", "\"steps\":", "\"model\":",
        "\"layers\":", "\"values\":", "\"names\":", "1e5", "-1", "0", "3.5", "\"abc\"", "\\u0000", "\\ud800", "\"\\",
    }.Select(Encoding.UTF8.GetBytes).ToArray();

    private readonly Random _random = new(seed);

    /// <summary>The next input: a seed with one to three mutations, or pure random bytes, or deep nesting.</summary>
    public byte[] Next()
    {
        var roll = _random.Next(100);
        if (roll < 5) return RandomBytes(_random.Next(0, 512));
        if (roll < 9) return DeepNesting();
        var data = seeds[_random.Next(seeds.Count)].ToList();
        var count = 1 + _random.Next(3);
        for (var i = 0; i < count; i++) Mutate(data);
        return data.Count > MaxLength ? data.GetRange(0, MaxLength).ToArray() : data.ToArray();
    }

    private void Mutate(List<byte> data)
    {
        switch (_random.Next(9))
        {
            case 0 when data.Count > 0: // truncate
                var keep = _random.Next(data.Count);
                data.RemoveRange(keep, data.Count - keep);
                break;
            case 1 when data.Count > 0: // flip bytes
                for (var i = 0; i < 1 + _random.Next(8); i++) data[_random.Next(data.Count)] ^= (byte)(1 << _random.Next(8));
                break;
            case 2: // insert a token
                data.InsertRange(_random.Next(data.Count + 1), Tokens[_random.Next(Tokens.Length)]);
                break;
            case 3 when data.Count > 0: // replace a slice by a token (wrong type, non-finite, path)
                var at = _random.Next(data.Count);
                data.RemoveRange(at, Math.Min(data.Count - at, 1 + _random.Next(12)));
                data.InsertRange(at, Tokens[_random.Next(Tokens.Length)]);
                break;
            case 4 when data.Count > 0: // duplicate a slice (repeated keys, lines, records)
                var from = _random.Next(data.Count);
                var slice = data.GetRange(from, Math.Min(data.Count - from, 1 + _random.Next(256)));
                for (var i = 0; i < 1 + _random.Next(4); i++) data.InsertRange(_random.Next(data.Count + 1), slice);
                break;
            case 5: // splice with another seed
                var other = seeds[_random.Next(seeds.Count)];
                data.InsertRange(_random.Next(data.Count + 1), other.Skip(_random.Next(other.Length + 1)));
                break;
            case 6: // a huge number
                data.InsertRange(_random.Next(data.Count + 1), Encoding.ASCII.GetBytes(new string('9', 50 + _random.Next(400))));
                break;
            case 7 when data.Count > 0: // random byte runs
                data.InsertRange(_random.Next(data.Count + 1), RandomBytes(1 + _random.Next(32)));
                break;
            default: // set a byte to a boundary value
                if (data.Count > 0) data[_random.Next(data.Count)] = (byte)(_random.Next(2) == 0 ? 0 : 0xFF);
                break;
        }
    }

    private byte[] DeepNesting()
    {
        var depth = 10 + _random.Next(5000);
        var open = _random.Next(2) == 0 ? "[" : "{\"a\":";
        var close = open == "[" ? "]" : "}";
        return Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, _random.Next(depth + 1))));
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }
}
