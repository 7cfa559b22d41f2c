using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using QuantScope.Data;
using QuantScope.Data.Import;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Web.Security;

namespace QuantScope.Web.Api;

/// <summary>
/// <c>POST /api/import?format=auto&amp;name=NAME&amp;stepColumn=COLUMN</c>: uploads an external training log (a multipart
/// form's first file, or the raw request body) of at most <see cref="SecurityOptions.MaxUploadBytes"/> and stores it as
/// a run of kind <c>imported</c>, answering 201 with the <see cref="ImportResult"/> (as the <c>import</c> verb prints
/// it), 400 for an unreadable or empty log (with what was skipped) and 413 for a body over the limit. A form with
/// several files is a folder of TensorBoard runs (each file named by its path in the folder, as a browser's folder
/// upload sends it) and becomes one run. The upload is spooled to <c>uploads/</c> next to the database under a
/// generated name (deleted when read); the client's file names are only ever labels (directories stripped, or for a
/// folder, metric prefixes), never paths.
/// </summary>
public static class ImportEndpoints
{
    /// <summary>Folder next to the database where uploads are spooled while they are read.</summary>
    public const string UploadFolder = "uploads";

    /// <summary>Maps <c>/api/import</c>.</summary>
    public static IEndpointRouteBuilder MapImportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/import", ImportAsync)
            .DisableAntiforgery(); // an API for scripts (bearer token; the UI cookie is SameSite=Strict): no form token to send
        return app;
    }

    private static async Task<IResult> ImportAsync(
        HttpRequest request, string? format, string? name, string? stepColumn, RunRepository runs, MetricSeriesWriter writer,
        QuantScopeDatabase database, IOptions<SecurityOptions> security, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name)) name = null; // the file's name then
        if (RunEditDto.NameProblem(name) is { } problem)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [problem] }, title: "The import request is invalid.");
        var maxBytes = security.Value.MaxUploadBytes;
        // The upload is copied to a file first: the importers read synchronously and the sniffer seeks. Generated name only.
        var folder = Path.Combine(Path.GetDirectoryName(database.Path)!, UploadFolder);
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $"import-{Guid.NewGuid():N}.tmp");
        await using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        string fileName;
        IFormFileCollection? folderFiles;
        try
        {
            (fileName, folderFiles) = await CopyUploadAsync(request, file, maxBytes, ct);
        }
        catch (UploadTooLargeException)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The upload is too large.",
                detail: $"At most {maxBytes} bytes are accepted.");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The upload is too large.", detail: ex.Message);
        }
        catch (InvalidDataException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad upload.", detail: ex.Message);
        }

        file.Position = 0;
        string resolved;
        ImportedSeries series;
        try
        {
            (resolved, series) = folderFiles is null
                ? LogImporter.Read(file, format ?? ImportFormats.Auto, fileName, stepColumn, ct)
                : LogImporter.ReadFolder(folderFiles.Select(f => (f.FileName ?? "", (Func<Stream>)f.OpenReadStream)).ToArray(), format, stepColumn, ct);
        }
        catch (InvalidDataException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The log cannot be imported.", detail: ex.Message);
        }

        if (series.PointCount == 0)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The log holds no data points.",
                detail: $"Nothing importable in '{fileName}' (format {resolved}).",
                extensions: new Dictionary<string, object?> { ["skipped"] = series.Skipped, ["notes"] = series.Notes });
        }

        var result = await new ImportedRunWriter(runs, writer).WriteAsync(series, name ?? fileName, fileName, resolved, ct);
        return Results.Created($"/api/runs/{result.RunId}", result);
    }

    /// <summary>
    /// Copies the form's only file, or the raw body, to <paramref name="target"/> and returns its label ("upload" for a
    /// raw body); a form of several files is a folder, returned as is with the label of the folder they share.
    /// </summary>
    private static async Task<(string Label, IFormFileCollection? Folder)> CopyUploadAsync(
        HttpRequest request, Stream target, long maxBytes, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            // The form reader's own limit (128 MB by default) is raised to the endpoint's.
            request.HttpContext.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions { MultipartBodyLengthLimit = maxBytes }));
            var form = await request.ReadFormAsync(ct);
            if (form.Files.Count == 0) throw new InvalidDataException("The form holds no file.");
            if (form.Files.Count > 1)
            {
                if (form.Files.Sum(f => f.Length) > maxBytes) throw new UploadTooLargeException();
                return (FolderLabelOf(form.Files.Select(f => f.FileName).ToArray()), form.Files);
            }
            var upload = form.Files[0];
            await CopyLimitedAsync(upload.OpenReadStream(), target, maxBytes, ct);
            return (LabelOf(upload.FileName), null);
        }

        await CopyLimitedAsync(request.Body, target, maxBytes, ct);
        return ("upload", null);
    }

    // Counts what is copied: a server without a request size limit feature (TestServer) still stops at the limit.
    private static async Task CopyLimitedAsync(Stream source, Stream target, long maxBytes, CancellationToken ct)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > maxBytes) throw new UploadTooLargeException();
            await target.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        await target.FlushAsync(ct);
    }

    /// <summary>The client's file name as a label: last segment only (either slash), no control characters, at most <see cref="RunEditDto.MaxNameLength"/> characters.</summary>
    private static string LabelOf(string? fileName)
    {
        var last = (fileName ?? "").Split('/', '\\').Last();
        var clean = new string(last.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (clean.Length > RunEditDto.MaxNameLength) clean = clean[..RunEditDto.MaxNameLength];
        return clean is "" or "." or ".." ? "upload" : clean;
    }

    /// <summary>The first folder every file name shares, as a label; "upload" when they share none.</summary>
    private static string FolderLabelOf(IReadOnlyList<string?> fileNames)
    {
        var firsts = fileNames.Select(n => (n ?? "").Split('/', '\\')).Select(parts => parts.Length > 1 ? parts[0] : "").Distinct().ToArray();
        return firsts.Length == 1 ? LabelOf(firsts[0]) : "upload";
    }

    private sealed class UploadTooLargeException : Exception;
}
