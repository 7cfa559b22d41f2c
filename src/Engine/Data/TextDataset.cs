using System.Text;

namespace QuantScope.Engine.Data;

/// <summary>
/// A text split into a training stream and a held-out stream of tokens (byte tokens by default, <see cref="ByteTokenizer"/>;
/// or a model's own <see cref="ITextTokenizer"/>). The whole text is encoded once, then cut: the held-out part is the
/// end of the text, so it is never seen in training; the cut falls on a line boundary when one is near.
/// </summary>
public sealed class TextDataset
{
    /// <summary>Fewest tokens (UTF-8 bytes with the byte tokenizer) a text must have to be split: below this neither part is useful.</summary>
    public const int MinTokens = 64;

    /// <summary>Fewest tokens each part keeps (BatchSampler needs at least 2).</summary>
    private const int MinPartTokens = 2;

    private TextDataset(int[] train, int[] heldOut)
    {
        Train = train;
        HeldOut = heldOut;
    }

    /// <summary>Training tokens: the start of the text.</summary>
    public int[] Train { get; }

    /// <summary>Held-out tokens: the last <c>heldOutFraction</c> of the text (to the nearest line start).</summary>
    public int[] HeldOut { get; }

    /// <summary>Reads and splits a UTF-8 text file (a byte-order mark is dropped).</summary>
    /// <param name="path">The text file.</param>
    /// <param name="heldOutFraction">Share of the tokens held out, strictly between 0 and 1.</param>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <param name="tokenizer">The tokenizer; null = <see cref="ByteTokenizer"/>.</param>
    /// <exception cref="InvalidDataException">The file is empty, only whitespace, or shorter than <see cref="MinTokens"/> tokens.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="heldOutFraction"/> is not in (0, 1).</exception>
    public static TextDataset Load(string path, double heldOutFraction = 0.1, ITextTokenizer? tokenizer = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Text file not found: {path}", path);
        return Split(File.ReadAllText(path, Encoding.UTF8), heldOutFraction, $"Text file {path}", tokenizer ?? new ByteTokenizer());
    }

    /// <summary>Splits <paramref name="text"/> exactly as <see cref="Load"/> splits a file's content.</summary>
    /// <param name="text">The whole text.</param>
    /// <param name="heldOutFraction">Share of the tokens held out, strictly between 0 and 1.</param>
    /// <param name="tokenizer">The tokenizer; null = <see cref="ByteTokenizer"/>.</param>
    /// <exception cref="InvalidDataException">The text is empty, only whitespace, or shorter than <see cref="MinTokens"/> tokens.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="heldOutFraction"/> is not in (0, 1).</exception>
    public static TextDataset FromText(string text, double heldOutFraction, ITextTokenizer? tokenizer = null) =>
        Split(text, heldOutFraction, "The text", tokenizer ?? new ByteTokenizer());

    private static TextDataset Split(string text, double heldOutFraction, string source, ITextTokenizer tokenizer)
    {
        if (!(heldOutFraction > 0 && heldOutFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(heldOutFraction), heldOutFraction, "The held-out fraction must be strictly between 0 and 1.");
        if (string.IsNullOrWhiteSpace(text)) throw new InvalidDataException($"{source} is empty: it contains no text to train on.");

        var tokens = tokenizer.Encode(text);
        var unit = tokenizer is ByteTokenizer ? "bytes" : $"tokens ({tokenizer.Name})";
        if (tokens.Length < MinTokens)
            throw new InvalidDataException($"{source} is too short: {tokens.Length} {unit}, at least {MinTokens} are needed.");

        var cut = CutIndex(tokens, heldOutFraction, tokenizer.EndsLine);
        return new TextDataset(tokens[..cut], tokens[cut..]);
    }

    /// <summary>
    /// Start of the held-out part: the exact fractional cut moved to just after the nearest newline, if that newline is
    /// within half the held-out length of it (so the fraction stays roughly right); otherwise the exact cut.
    /// </summary>
    internal static int CutIndex(int[] tokens, double heldOutFraction) => CutIndex(tokens, heldOutFraction, t => t == '\n');

    /// <summary><see cref="CutIndex(int[], double)"/> with the tokenizer's own end-of-line test.</summary>
    internal static int CutIndex(int[] tokens, double heldOutFraction, Func<int, bool> endsLine)
    {
        var heldOut = Math.Clamp((int)Math.Round(tokens.Length * heldOutFraction), MinPartTokens, tokens.Length - MinPartTokens);
        var exact = tokens.Length - heldOut;
        var slack = heldOut / 2;
        for (var distance = 0; distance <= slack; distance++)
        {
            // A line starts at i when tokens[i - 1] ends a line ('\n'); check the nearer side first, earlier on ties.
            foreach (var start in new[] { exact - distance, exact + distance })
            {
                if (start >= MinPartTokens && start <= tokens.Length - MinPartTokens && endsLine(tokens[start - 1])) return start;
            }
        }

        return exact;
    }
}
