using System.Globalization;
using System.Text;
using QuantScope.Data.Import.Logs;
using QuantScope.Data.Import.TfEvents;

namespace QuantScope.Data.Import;

/// <summary>
/// Tells a log's format from its first 64 KiB: each format says how sure it is (<see cref="Rank"/>: a valid TFRecord
/// header 1.0, a <c>.tfevents.</c> file name 0.9; Megatron iteration lines and TE stats lines 0.95; a first line that
/// is a JSON object 0.9; a CSV header with a step column 0.9, without one but with rows that fit 0.6; OLMo-style step
/// blocks 0.7, other <c>step=</c> pairs 0.5) and the surest wins. Two formats within <see cref="Tie"/> of each other at
/// the top make the file ambiguous: the error names both, and the user names the format.
/// </summary>
public static class ImportSniffer
{
    /// <summary>How much of the file is looked at, bytes.</summary>
    public const int SniffBytes = 64 * 1024;

    /// <summary>Confidences closer than this at the top are a tie (an ambiguous file).</summary>
    public const double Tie = 0.05;

    /// <summary>Detects the format of a seekable <paramref name="stream"/> (its position is restored).</summary>
    /// <exception cref="InvalidDataException">Two formats fit equally well (the message names them).</exception>
    public static string? Detect(Stream stream, string? fileName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek) throw new ArgumentException("The stream must be seekable to sniff its format.", nameof(stream));
        var start = stream.Position;
        var buffer = new byte[SniffBytes];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        stream.Position = start;
        return Detect(buffer.AsSpan(0, read), fileName, complete: read < buffer.Length);
    }

    /// <summary>The surest format of a file's first bytes (null when none fits); <paramref name="complete"/> when they are the whole file.</summary>
    /// <exception cref="InvalidDataException">Two formats fit equally well (the message names them).</exception>
    public static string? Detect(ReadOnlySpan<byte> head, string? fileName, bool complete)
    {
        var ranked = Rank(head, fileName, complete);
        if (ranked.Count == 0) return null;
        if (ranked.Count > 1 && ranked[0].Confidence - ranked[1].Confidence < Tie)
        {
            var tied = ranked.Where(c => ranked[0].Confidence - c.Confidence < Tie)
                .Select(c => $"{c.Format} ({c.Confidence.ToString("0.00", CultureInfo.InvariantCulture)})");
            throw new InvalidDataException(
                $"The format of '{fileName}' is ambiguous: it could be {string.Join(" or ", tied)}; name the format to import it.");
        }
        return ranked[0].Format;
    }

    /// <summary>Every format with some confidence in the file's first bytes, surest first.</summary>
    public static IReadOnlyList<ImportCandidate> Rank(ReadOnlySpan<byte> head, string? fileName, bool complete)
    {
        var candidates = new List<ImportCandidate>();
        if (TfRecordReader.TryHeader(head, 0, out _)) candidates.Add(new(ImportFormats.TfEvents, 1.0));
        else if ((fileName ?? "").Contains(".tfevents.", StringComparison.OrdinalIgnoreCase)) candidates.Add(new(ImportFormats.TfEvents, 0.9));
        if (candidates.Count > 0) return candidates; // binary: the text formats have nothing to look at

        var lines = Encoding.UTF8.GetString(head).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (!complete && lines.Count > 1) lines.RemoveAt(lines.Count - 1); // cut mid-line
        Add(candidates, ImportFormats.Jsonl, JsonlLogImporter.Confidence(lines));
        Add(candidates, ImportFormats.Megatron, MegatronLogImporter.Confidence(lines));
        Add(candidates, ImportFormats.NvInspect, NvInspectImporter.Confidence(lines));
        Add(candidates, ImportFormats.Csv, CsvLogImporter.Confidence(lines));
        Add(candidates, ImportFormats.Kv, KvLogImporter.Confidence(lines));
        return candidates.OrderByDescending(c => c.Confidence).ToArray();
    }

    private static void Add(List<ImportCandidate> candidates, string format, double confidence)
    {
        if (confidence > 0) candidates.Add(new ImportCandidate(format, confidence));
    }
}
