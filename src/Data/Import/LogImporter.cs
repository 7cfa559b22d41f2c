using QuantScope.Data.Import.Logs;
using QuantScope.Data.Import.TfEvents;

namespace QuantScope.Data.Import;

/// <summary>Reads a log of a given (or sniffed) format into an <see cref="ImportedSeries"/>: what the CLI and the upload share.</summary>
public static class LogImporter
{
    /// <summary>The formats whose step column (or property, or pair) the caller may name.</summary>
    public static readonly IReadOnlyList<string> StepColumnFormats = [ImportFormats.Csv, ImportFormats.Jsonl, ImportFormats.Kv];

    /// <summary>
    /// Reads a seekable <paramref name="stream"/>; <paramref name="format"/> may be <see cref="ImportFormats.Auto"/>,
    /// in which case <paramref name="fileName"/> helps the sniffer. Returns the concrete format read.
    /// </summary>
    /// <exception cref="InvalidDataException">Unknown, undetectable or ambiguous format, or a file the format cannot read at all (e.g. a CSV without a header).</exception>
    public static (string Format, ImportedSeries Series) Read(Stream stream, string format, string? fileName, CancellationToken ct) =>
        Read(stream, format, fileName, null, ct);

    /// <summary>
    /// As <see cref="Read(Stream, string, string?, CancellationToken)"/>, with <paramref name="stepColumn"/> naming the
    /// step column of a csv, jsonl or kv log (null: the importer finds it).
    /// </summary>
    /// <exception cref="InvalidDataException">As above, or a step column given for another format or missing from a CSV header.</exception>
    public static (string Format, ImportedSeries Series) Read(Stream stream, string format, string? fileName, string? stepColumn, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var resolved = Resolve(stream, format, fileName);
        var step = string.IsNullOrWhiteSpace(stepColumn) ? null : stepColumn.Trim();
        if (step is not null && !StepColumnFormats.Contains(resolved))
        {
            throw new InvalidDataException(
                $"A step column ('{step}') can be named for {string.Join(", ", StepColumnFormats)} logs only; this one is {resolved}.");
        }

        var series = new ImportedSeries();
        switch (resolved)
        {
            case ImportFormats.Csv: CsvLogImporter.Read(stream, series, step, ct); break;
            case ImportFormats.Jsonl: JsonlLogImporter.Read(stream, series, step, ct); break;
            case ImportFormats.Kv: KvLogImporter.Read(stream, series, step, ct); break;
            case ImportFormats.Megatron: MegatronLogImporter.Read(stream, series, ct); break;
            case ImportFormats.NvInspect: NvInspectImporter.Read(stream, series, ct); break;
            default: TfEventsImporter.Read(stream, series, ct); break;
        }
        return (resolved, series);
    }

    /// <summary>
    /// Reads a folder of TensorBoard runs as one series (see <see cref="TfEventsFolderImporter"/>): the files are
    /// (path relative to the folder, opener) pairs, the paths only labels. <paramref name="format"/> must be
    /// <see cref="ImportFormats.Auto"/> or <see cref="ImportFormats.TfEvents"/>, and no step column may be named.
    /// </summary>
    /// <exception cref="InvalidDataException">Another format, a step column, or no event file among the files.</exception>
    public static (string Format, ImportedSeries Series) ReadFolder(
        IReadOnlyList<(string RelativePath, Func<Stream> Open)> files, string? format, string? stepColumn, CancellationToken ct)
    {
        CheckFolderOptions(format, stepColumn);
        var series = new ImportedSeries();
        TfEventsFolderImporter.Read(files, series, ct);
        return (ImportFormats.TfEvents, series);
    }

    /// <summary>As <see cref="ReadFolder(IReadOnlyList{ValueTuple{string, Func{Stream}}}, string?, string?, CancellationToken)"/>, for a folder on disk (searched recursively).</summary>
    /// <exception cref="InvalidDataException">Another format, a step column, or no event file below the folder.</exception>
    public static (string Format, ImportedSeries Series) ReadFolder(string folder, string? format, string? stepColumn, CancellationToken ct)
    {
        CheckFolderOptions(format, stepColumn);
        var series = new ImportedSeries();
        TfEventsFolderImporter.Read(folder, series, ct);
        return (ImportFormats.TfEvents, series);
    }

    private static void CheckFolderOptions(string? format, string? stepColumn)
    {
        var requested = (format ?? ImportFormats.Auto).Trim().ToLowerInvariant();
        if (requested is not (ImportFormats.Auto or ImportFormats.TfEvents))
            throw new InvalidDataException($"A folder is imported as TensorBoard runs (format {ImportFormats.TfEvents}), not as {format}.");
        if (!string.IsNullOrWhiteSpace(stepColumn))
            throw new InvalidDataException($"A step column ('{stepColumn.Trim()}') cannot be named for a folder of TensorBoard runs: event files carry their steps.");
    }

    private static string Resolve(Stream stream, string? format, string? fileName)
    {
        var requested = (format ?? ImportFormats.Auto).Trim().ToLowerInvariant();
        if (!ImportFormats.IsKnown(requested))
            throw new InvalidDataException($"Unknown format '{format}' (expected {ImportFormats.Auto}, {string.Join(", ", ImportFormats.Concrete)}).");
        if (requested != ImportFormats.Auto) return requested;
        return ImportSniffer.Detect(stream, fileName) ?? throw new InvalidDataException(
            $"Cannot tell the format of '{fileName}'; name it with format {string.Join(", ", ImportFormats.Concrete)}.");
    }
}
