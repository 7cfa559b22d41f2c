using QuantScope.Engine.Model.Hf;
using QuantScope.Data;
using QuantScope.Engine.Model.SafeTensors;
using QuantScope.Web.Models;

namespace QuantScope.Web.Api;

/// <summary>
/// Hugging Face model folders: <c>POST /api/models/inspect</c> reads a folder's config and weight headers (no weights),
/// for folders inside <c>Models:AllowedRoots</c> only (<see cref="ModelFolderPolicy"/>).
/// </summary>
public static class ModelEndpoints
{
    /// <summary>Maps <c>/api/models</c>.</summary>
    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/models/inspect", (ModelInspectRequestDto? body, IConfiguration configuration, QuantScopeDatabase database, Security.ConfigPathPolicy paths) =>
            Inspect(body?.Path, Policy(configuration, database), paths));
        return app;
    }

    /// <summary>The folder policy of this app: <c>Models:AllowedRoots</c>, by default the user's home and the data folder.</summary>
    public static ModelFolderPolicy Policy(IConfiguration configuration, QuantScopeDatabase database) =>
        ModelFolderPolicy.From(configuration, System.IO.Path.GetDirectoryName(database.Path)!);

    /// <summary>The inspection, or 400 naming the problem (under <c>path</c>).</summary>
    /// <param name="path">The folder.</param>
    /// <param name="policy">The allowed model folders.</param>
    /// <param name="store">The store's own files, never opened as a model (null: none to protect, as in the CLI).</param>
    public static IResult Inspect(string? path, ModelFolderPolicy policy, Security.ConfigPathPolicy? store = null)
    {
        if (string.IsNullOrWhiteSpace(path)) return Bad("is required: an absolute path to a local Hugging Face model folder");
        if (!System.IO.Path.IsPathFullyQualified(path)) return Bad($"'{path}' is not an absolute path");
        if (!policy.Allows(path))
            return Bad($"'{System.IO.Path.GetFullPath(path)}' is outside the allowed model folders ({policy.Describe()}), or links outside them; set Models:AllowedRoots in appsettings to allow it");
        if (store?.StoreFileIn(path) is { } storeFile)
            return Bad($"{storeFile}: the server never reads its own store as a model");
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
