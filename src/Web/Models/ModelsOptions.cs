namespace QuantScope.Web.Models;

/// <summary>
/// The <c>Models</c> section of appsettings: which local folders the web app may open as Hugging Face models
/// (<c>POST /api/models/inspect</c>, "Open model folder"). The CLI is not limited: it runs as the user.
/// </summary>
public sealed class ModelsOptions
{
    /// <summary>The appsettings section.</summary>
    public const string Section = "Models";

    /// <summary>
    /// Folders a model folder must lie in (absolute, or relative to the working directory). Absent = the user's home and
    /// the data folder (the database's folder); an empty list or <c>"*"</c> = any folder. (.NET configuration reads an
    /// empty JSON array as absent, so write <c>["*"]</c> in appsettings.json to allow any folder.)
    /// </summary>
    public IReadOnlyList<string>? AllowedRoots { get; set; }
}
