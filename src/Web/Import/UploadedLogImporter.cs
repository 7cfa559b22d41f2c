using QuantScope.Data;
using QuantScope.Data.Import;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Web.Api;

namespace QuantScope.Web.Import;

/// <summary>
/// What the dashboard's import page does with the files a browser sends, as the upload API does: one file is spooled
/// to <c>uploads/</c> next to the database under a generated name (the importers read synchronously and the sniffer
/// seeks; deleted when read) and read as a log of the given (or sniffed) format; several are read as a folder of
/// TensorBoard runs (event files are small: held in memory). The result is stored as a run of kind <c>imported</c>.
/// The browser's file names are labels only, never paths.
/// </summary>
public sealed class UploadedLogImporter(RunRepository runs, MetricSeriesWriter writer, QuantScopeDatabase database)
{
    /// <summary>Imports <paramref name="files"/> (name, content) as one run; <paramref name="name"/> defaults to the first file's name.</summary>
    /// <exception cref="InvalidDataException">No file, a log that cannot be read, or one without data points (the message says which).</exception>
    public async Task<ImportResult> ImportAsync(
        IReadOnlyList<(string Name, Stream Content)> files, string? format, string? stepColumn, string? name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0) throw new InvalidDataException("Choose a log file (or several TensorBoard event files) to import.");
        var label = Label(files[0].Name);
        string resolved;
        ImportedSeries series;
        if (files.Count == 1)
        {
            var folder = Path.Combine(Path.GetDirectoryName(database.Path)!, ImportEndpoints.UploadFolder);
            Directory.CreateDirectory(folder);
            await using var file = new FileStream(Path.Combine(folder, $"import-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew,
                FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            await files[0].Content.CopyToAsync(file, ct);
            file.Position = 0;
            (resolved, series) = LogImporter.Read(file, format ?? ImportFormats.Auto, label, stepColumn, ct);
        }
        else
        {
            var contents = new List<(string, Func<Stream>)>();
            foreach (var (fileName, content) in files)
            {
                using var copy = new MemoryStream();
                await content.CopyToAsync(copy, ct);
                var bytes = copy.ToArray();
                contents.Add((Label(fileName), () => new MemoryStream(bytes, writable: false)));
            }
            (resolved, series) = LogImporter.ReadFolder(contents, format, stepColumn, ct);
        }

        if (series.PointCount == 0)
        {
            var skipped = series.Skipped.Count > 0 ? $" Skipped: {string.Join("; ", series.Skipped.Take(5))}" : "";
            throw new InvalidDataException($"No data points found in '{label}' (format {resolved}).{skipped}");
        }
        var runName = string.IsNullOrWhiteSpace(name) ? label : name.Trim();
        return await new ImportedRunWriter(runs, writer).WriteAsync(series, runName, label, resolved, ct);
    }

    private static string Label(string? fileName)
    {
        var last = (fileName ?? "").Split('/', '\\').Last();
        var clean = new string(last.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return clean is "" or "." or ".." ? "upload" : clean[..Math.Min(clean.Length, 200)];
    }
}
