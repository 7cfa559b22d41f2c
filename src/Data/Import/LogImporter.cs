using QuantScope.Data.Import.Logs;
using QuantScope.Data.Import.TfEvents;

namespace QuantScope.Data.Import;

/// <summary>Reads a log of a given (or sniffed) format into an <see cref="ImportedSeries"/>: what the CLI and the upload share.</summary>
public static class LogImporter
{
    /// <summary>
    /// Reads a seekable <paramref name="stream"/>; <paramref name="format"/> may be <see cref="ImportFormats.Auto"/>,
    /// in which case <paramref name="fileName"/> helps the sniffer. Returns the concrete format read.
    /// </summary>
    /// <exception cref="InvalidDataException">Unknown format, undetectable format, or a file the format cannot read at all (e.g. a CSV without a step column).</exception>
    public static (string Format, ImportedSeries Series) Read(Stream stream, string format, string? fileName, CancellationToken ct)
    {
        var requested = (format ?? ImportFormats.Auto).Trim().ToLowerInvariant();
        if (!ImportFormats.IsKnown(requested))
            throw new InvalidDataException($"Unknown format '{format}' (expected {ImportFormats.Auto}, {string.Join(", ", ImportFormats.Concrete)}).");
        var resolved = requested == ImportFormats.Auto
            ? ImportSniffer.Detect(stream, fileName) ?? throw new InvalidDataException(
                $"Cannot tell the format of '{fileName}'; name it with format {string.Join(", ", ImportFormats.Concrete)}.")
            : requested;

        var series = new ImportedSeries();
        Action<Stream, ImportedSeries, CancellationToken> read = resolved switch
        {
            ImportFormats.Csv => CsvLogImporter.Read,
            ImportFormats.Jsonl => JsonlLogImporter.Read,
            ImportFormats.Kv => KvLogImporter.Read,
            ImportFormats.NvInspect => NvInspectImporter.Read,
            _ => TfEventsImporter.Read,
        };
        read(stream, series, ct);
        return (resolved, series);
    }
}
