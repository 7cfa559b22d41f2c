namespace QuantScope.Web.Models;

/// <summary>
/// Decides whether the web app may open a folder as a model: the path, made absolute and with every symbolic link on
/// it resolved component by component (as <see cref="Security.ConfigPathPolicy"/> does), must be one of the allowed
/// roots or lie inside one, and so must every entry of the folder (a <c>config.json</c> linking to a file elsewhere
/// is as far out as its target). Otherwise the answers ("not found", "not a model") would tell which files exist
/// outside the roots.
/// </summary>
public sealed class ModelFolderPolicy
{
    private readonly string[] _roots;

    /// <summary>A policy over <paramref name="roots"/>; no roots (or one <c>*</c>) = any folder.</summary>
    public ModelFolderPolicy(IEnumerable<string> roots)
    {
        var list = roots.Where(r => !string.IsNullOrWhiteSpace(r)).ToArray();
        _roots = list.Contains("*") ? [] : list.Select(Canonical).Distinct().ToArray();
    }

    /// <summary>The canonical roots; empty when any folder is allowed.</summary>
    public IReadOnlyList<string> Roots => _roots;

    /// <summary>
    /// The policy of <paramref name="options"/>: its roots, or (when absent) the user's home and
    /// <paramref name="dataFolder"/>.
    /// </summary>
    public static ModelFolderPolicy From(ModelsOptions options, string dataFolder) =>
        new(options.AllowedRoots ?? [Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), dataFolder]);

    /// <summary>The policy bound from configuration section <see cref="ModelsOptions.Section"/>.</summary>
    public static ModelFolderPolicy From(IConfiguration configuration, string dataFolder)
    {
        var section = configuration.GetSection(ModelsOptions.Section).GetSection(nameof(ModelsOptions.AllowedRoots));
        // Present but empty (e.g. an environment variable set to "") = any; absent = the defaults.
        IReadOnlyList<string>? roots = section.Exists() ? section.GetChildren().Select(c => c.Value ?? "").Append(section.Value ?? "").ToArray() : null;
        return From(new ModelsOptions { AllowedRoots = roots }, dataFolder);
    }

    /// <summary>True when <paramref name="path"/> (absolute) is an allowed root or inside one.</summary>
    public bool Allows(string path)
    {
        if (_roots.Length == 0) return true;
        try
        {
            var real = Canonical(path);
            if (!Inside(real)) return false;
            if (!Directory.Exists(real)) return true; // the inspection says it does not exist: it is inside
            return Directory.EnumerateFileSystemEntries(real).Take(Security.ConfigPathPolicy.MaxFolderEntries).All(e => Inside(Canonical(e)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false; // a link loop or an unreadable folder: not shown
        }
    }

    private bool Inside(string real) =>
        _roots.Any(root => real == root || real.StartsWith(root + Path.DirectorySeparatorChar, PathComparison));

    /// <summary>For messages: the roots, comma-separated.</summary>
    public string Describe() => _roots.Length == 0 ? "any folder" : string.Join(", ", _roots);

    /// <summary>File names compare by case where the file system does (Linux), ignoring case on Windows and macOS.</summary>
    private static StringComparison PathComparison => OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    private static string Canonical(string path) => Security.RealPath.Of(path);
}
