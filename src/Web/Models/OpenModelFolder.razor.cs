using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Components;
using QuantScope.Data;
using QuantScope.Web.Api;

namespace QuantScope.Web.Models;

/// <summary>"Open model folder" on the new-run page: a local path and Inspect, showing the parsed config before anything runs.</summary>
public partial class OpenModelFolder : ComponentBase
{
    /// <summary>App configuration (Models:AllowedRoots).</summary>
    [Inject]
    private IConfiguration Configuration { get; set; } = default!;

    /// <summary>The database (its folder is an allowed root by default).</summary>
    [Inject]
    private QuantScopeDatabase Database { get; set; } = default!;

    /// <summary>The store's own files, never opened as a model.</summary>
    [Inject]
    private Security.ConfigPathPolicy StoreFiles { get; set; } = default!;

    /// <summary>The folder typed by the user.</summary>
    protected string? Path { get; set; }

    /// <summary>The last inspection, or null.</summary>
    protected ModelInspectDto? Result { get; private set; }

    /// <summary>Why the last inspection failed, or null.</summary>
    protected string? Error { get; private set; }

    /// <summary>Reads the folder's config and weight headers (no weights; milliseconds) through the API's own logic.</summary>
    protected void Inspect()
    {
        (Result, Error) = ModelEndpoints.Inspect(Path, ModelEndpoints.Policy(Configuration, Database), StoreFiles) switch
        {
            Ok<ModelInspectDto> ok => (ok.Value, (string?)null),
            ValidationProblem bad => ((ModelInspectDto?)null, string.Join(" ", bad.ProblemDetails.Errors.SelectMany(e => e.Value))),
            _ => ((ModelInspectDto?)null, "The folder could not be inspected."),
        };
    }
}
