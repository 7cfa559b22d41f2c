using QuantScope.Engine.Model.Hf;
using QuantScope.Engine.Model.SafeTensors;

namespace QuantScope.Web.Api;

/// <summary>Hugging Face model folders: <c>POST /api/models/inspect</c> reads a folder's config and weight headers (no weights).</summary>
public static class ModelEndpoints
{
    /// <summary>Maps <c>/api/models</c>.</summary>
    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/models/inspect", (ModelInspectRequestDto? body) => Inspect(body?.Path));
        return app;
    }

    /// <summary>The inspection, or 400 naming the problem.</summary>
    public static IResult Inspect(string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return Bad("is required: an absolute path to a local Hugging Face model folder");
        if (!System.IO.Path.IsPathFullyQualified(path)) return Bad($"'{path}' is not an absolute path");
        try
        {
            return Results.Ok(ToDto(HfModelFolder.Inspect(path)));
        }
        catch (Exception ex) when (ex is HfModelException or SafeTensorsException)
        {
            return Bad(ex.Message);
        }
    }

    /// <summary>The wire form of an inspection.</summary>
    public static ModelInspectDto ToDto(HfModelInfo info) => new(
        info.Path, info.Config, info.Parameters, info.WeightFiles, info.WeightDTypes.Select(SafeTensorDTypes.Name).ToArray(), info.Tokenizer,
        info.Memory.Select(m => new ModelMemoryDto(m.Use, m.RequiredBytes, m.AvailableBytes, m.Fits, m.Describe())).ToArray());

    private static IResult Bad(string message) => Results.ValidationProblem(new Dictionary<string, string[]> { ["path"] = [message] });
}
