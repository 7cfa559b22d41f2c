using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using QuantScope.Data;
using QuantScope.Data.Import;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Web.Security;

namespace QuantScope.Web.Api;

/// <summary>
/// <c>POST /api/import?format=auto&amp;name=NAME</c>: uploads an external training log (a multipart form's first file,
/// or the raw request body) of at most <see cref="SecurityOptions.MaxUploadBytes"/> and stores it as a run of kind <c>external</c>,
/// answering 201 with the <see cref="ImportResult"/> (as the <c>import</c> verb prints it), 400 for an unreadable or
/// empty log (with what was skipped) and 413 for a body over the limit. The upload is spooled to
/// <c>uploads/</c> next to the database under a generated name (deleted when read); the client's file name is only
/// ever a label (directories stripped), never a path.
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
        HttpRequest request, string? format, string? name, RunRepository runs, MetricSeriesWriter writer,
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
        try
        {
            fileName = await CopyUploadAsync(request, file, maxBytes, ct);
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
            (resolved, series) = LogImporter.Read(file, format ?? ImportFormats.Auto, fileName, ct);
        }
        catch (InvalidDataException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The log cannot be imported.", detail: ex.Message);
        }

        if (series.PointCount == 0)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The log holds no data points.",
                detail: $"Nothing importable in '{fileName}' (format {resolved}).",
                extensions: new Dictionary<string, object?> { ["skipped"] = series.Skipped });
        }

        var result = await new ImportedRunWriter(runs, writer).WriteAsync(series, name ?? fileName, fileName, resolved, ct);
        return Results.Created($"/api/runs/{result.RunId}", result);
    }

    /// <summary>Copies the first form file, or the raw body, to <paramref name="target"/>; returns the file's name ("upload" for a raw body).</summary>
    private static async Task<string> CopyUploadAsync(HttpRequest request, Stream target, long maxBytes, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            // The form reader's own limit (128 MB by default) is raised to the endpoint's.
            request.HttpContext.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions { MultipartBodyLengthLimit = maxBytes }));
            var form = await request.ReadFormAsync(ct);
            var upload = form.Files.Count > 0 ? form.Files[0] : throw new InvalidDataException("The form holds no file.");
            await CopyLimitedAsync(upload.OpenReadStream(), target, maxBytes, ct);
            return LabelOf(upload.FileName);
        }

        await CopyLimitedAsync(request.Body, target, maxBytes, ct);
        return "upload";
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

    private sealed class UploadTooLargeException : Exception;
}
