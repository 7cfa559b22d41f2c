using System.Text;
using QuantScope.Data.Import.Logs;
using QuantScope.Data.Import.TfEvents;

namespace QuantScope.Data.Import;

/// <summary>
/// Tells a log's format from its first 64 KiB, in this order: a valid TFRecord header (or a <c>.tfevents.</c> file
/// name) → tfevents; a first line starting with <c>{</c> → jsonl; an nvdlfw_inspect stats line → nvinspect; a
/// first line that is a separated header with a step column → csv; a <c>step=N</c> pair → kv. Null when none fits.
/// </summary>
public static class ImportSniffer
{
    /// <summary>How much of the file is looked at, bytes.</summary>
    public const int SniffBytes = 64 * 1024;

    private static readonly char[] Separators = [',', ';', '\t', '|'];

    /// <summary>Detects the format of a seekable <paramref name="stream"/> (its position is restored).</summary>
    public static string? Detect(Stream stream, string? fileName)
    {
        if (!stream.CanSeek) throw new ArgumentException("The stream must be seekable to sniff its format.", nameof(stream));
        var start = stream.Position;
        var buffer = new byte[SniffBytes];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        stream.Position = start;
        return Detect(buffer.AsSpan(0, read), fileName, complete: read < buffer.Length);
    }

    /// <summary>Detects the format of a file's first bytes; <paramref name="complete"/> when they are the whole file.</summary>
    public static string? Detect(ReadOnlySpan<byte> head, string? fileName, bool complete)
    {
        if (TfRecordReader.TryHeader(head, 0, out _)
            || (fileName ?? "").Contains(".tfevents.", StringComparison.OrdinalIgnoreCase))
        {
            return ImportFormats.TfEvents;
        }

        var text = Encoding.UTF8.GetString(head);
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (!complete && lines.Count > 1) lines.RemoveAt(lines.Count - 1); // cut mid-line
        var first = lines.Select(l => l.Trim().TrimStart('\uFEFF')).FirstOrDefault(l => l.Length > 0);
        if (first is null) return null;
        if (first.StartsWith('{')) return ImportFormats.Jsonl;
        if (lines.Any(NvInspectImporter.IsStatsLine)) return ImportFormats.NvInspect;
        if (IsCsvHeader(first)) return ImportFormats.Csv;
        if (lines.Any(KvLogImporter.HasStepPair)) return ImportFormats.Kv;
        return null;
    }

    private static bool IsCsvHeader(string line)
    {
        var separator = Separators.Where(s => line.Contains(s)).Select(s => (char?)s).FirstOrDefault();
        if (separator is not { } sep) return false;
        var columns = line.Split(sep).Select(c => c.Trim().Trim('"')).ToArray();
        return columns.Length >= 2 && columns.Any(ImportNumbers.IsStepName);
    }
}
