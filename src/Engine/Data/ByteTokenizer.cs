using System.Text;

namespace QuantScope.Engine.Data;

/// <summary>Byte-level tokenizer: a token is one UTF-8 byte (vocabulary 256). Lossless for any text, no training needed.</summary>
public sealed class ByteTokenizer : ITextTokenizer
{
    /// <summary>Number of distinct tokens (one per byte value).</summary>
    public const int VocabSize = 256;

    int ITextTokenizer.VocabSize => VocabSize;

    /// <inheritdoc />
    public string Name => "byte-level";

    /// <inheritdoc />
    public bool EndsLine(int token) => token == '\n';

    /// <summary>The UTF-8 bytes of <paramref name="text"/> as token ids 0..255.</summary>
    public int[] Encode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var tokens = new int[bytes.Length];
        for (var i = 0; i < bytes.Length; i++) tokens[i] = bytes[i];
        return tokens;
    }

    /// <summary>Decodes token ids back to text (invalid UTF-8 becomes U+FFFD).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A token is outside 0..255.</exception>
    public string Decode(IEnumerable<int> tokens)
    {
        var bytes = tokens.Select(t => t is >= 0 and < VocabSize
            ? (byte)t
            : throw new ArgumentOutOfRangeException(nameof(tokens), t, "Byte tokens are 0..255.")).ToArray();
        return Encoding.UTF8.GetString(bytes);
    }
}
