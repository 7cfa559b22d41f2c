namespace QuantScope.Web.Models;

/// <summary>
/// Decides whether the web app may open a folder as a model: the path, made canonical with
/// <see cref="Path.GetFullPath(string)"/> (so <c>..</c> segments cannot climb out), must be one of the allowed roots or
/// lie inside one. Symbolic links are not resolved: a link inside a root counts as inside (whoever can create links
/// there can already read the target).
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
        var full = Canonical(path);
        return _roots.Any(root => full == root || full.StartsWith(root + Path.DirectorySeparatorChar, PathComparison));
    }

    /// <summary>For messages: the roots, comma-separated.</summary>
    public string Describe() => _roots.Length == 0 ? "any folder" : string.Join(", ", _roots);

    /// <summary>File names compare by case where the file system does (Linux), ignoring case on Windows and macOS.</summary>
    private static StringComparison PathComparison => OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    private static string Canonical(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
}
