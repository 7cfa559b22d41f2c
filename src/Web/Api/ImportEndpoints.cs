using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using QuantScope.Data;
using QuantScope.Web.Import;

namespace QuantScope.Web.Api;

/// <summary>
/// <c>POST /api/import?format=auto&amp;name=NAME</c>: uploads an external training log (a multipart form's first file,
/// or the raw request body) of at most <see cref="MaxUploadBytes"/> and stores it as a run of kind <c>external</c>,
/// answering 201 with the <see cref="ImportResult"/> (as the <c>import</c> verb prints it), 400 for an unreadable or
/// empty log (with what was skipped) and 413 for a body over the limit.
/// </summary>
public static class ImportEndpoints
{
    /// <summary>Largest accepted upload, bytes (200 MB).</summary>
    public const long MaxUploadBytes = 200L * 1024 * 1024;

    /// <summary>Maps <c>/api/import</c>.</summary>
    public static IEndpointRouteBuilder MapImportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/import", ImportAsync)
            .DisableAntiforgery() // an API for scripts: no form token to send
            .WithMetadata(new RequestSizeLimitAttribute(MaxUploadBytes));
        return app;
    }

    private static async Task<IResult> ImportAsync(
        HttpRequest request, string? format, string? name, RunRepository runs, MetricSeriesWriter writer, CancellationToken ct)
    {
        // The upload is copied to a temporary file first: the importers read synchronously and the sniffer seeks.
        var temp = Path.Combine(Path.GetTempPath(), $"quantscope-import-{Guid.NewGuid():N}");
        await using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        string fileName;
        try
        {
            fileName = await CopyUploadAsync(request, file, ct);
        }
        catch (UploadTooLargeException)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The upload is too large.",
                detail: $"At most {MaxUploadBytes} bytes are accepted.");
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
    private static async Task<string> CopyUploadAsync(HttpRequest request, Stream target, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            // The form reader's own limit (128 MB by default) is raised to the endpoint's.
            request.HttpContext.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions { MultipartBodyLengthLimit = MaxUploadBytes }));
            var form = await request.ReadFormAsync(ct);
            var upload = form.Files.Count > 0 ? form.Files[0] : throw new InvalidDataException("The form holds no file.");
            await CopyLimitedAsync(upload.OpenReadStream(), target, ct);
            return string.IsNullOrWhiteSpace(upload.FileName) ? "upload" : Path.GetFileName(upload.FileName);
        }

        await CopyLimitedAsync(request.Body, target, ct);
        return "upload";
    }

    // Counts what is copied: a server without a request size limit feature (TestServer) still stops at the limit.
    private static async Task CopyLimitedAsync(Stream source, Stream target, CancellationToken ct)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > MaxUploadBytes) throw new UploadTooLargeException();
            await target.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        await target.FlushAsync(ct);
    }

    private sealed class UploadTooLargeException : Exception;
}
