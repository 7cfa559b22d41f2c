using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using QuantScope.Web.Models;

namespace QuantScope.Web.Security;

/// <summary>
/// Which server files a config submitted through the web (REST API, New run page, sweeps) may name: <c>data.path</c>,
/// <c>pretrain.data.path</c>, <c>init.path</c> (the folder and every entry in it) and <c>tasks[i]</c> must lie inside
/// the data folder (the database's folder), a <c>Storage:AllowedRoots</c> folder or a configured
/// <c>Models:AllowedRoots</c> folder. Paths are compared after symbolic links are resolved, component by component, so
/// a link inside a root that points elsewhere is refused; <c>..</c> segments are refused outright. The check runs
/// before anything touches the file (the validator's "does not exist" would otherwise tell which files exist). The
/// CLI does not use it: there the machine's own user runs the config.
/// The store's own files are refused whatever the roots (even <c>"*"</c>): the SQLite database and its
/// <c>-wal</c>/<c>-shm</c>/<c>-journal</c> files, and the <c>checkpoints/</c> and <c>uploads/</c> folders beside it.
/// Reading the database with ordinary file I/O would drop SQLite's POSIX locks for the whole process (closing any
/// descriptor of a file releases every lock the process holds on it), after which another SQLite process may
/// checkpoint and delete the WAL under the server, and acknowledged points are lost.
/// </summary>
public sealed class ConfigPathPolicy
{
    /// <summary>The configuration key of the extra roots (besides the data folder): a list of folders, or <c>"*"</c>.</summary>
    public const string StorageRootsKey = "Storage:AllowedRoots";

    /// <summary>Entries of an <c>init.path</c> folder looked at, at the most.</summary>
    public const int MaxFolderEntries = 10_000;

    /// <summary>Files SQLite keeps beside the database (write-ahead log, shared memory index, rollback journal).</summary>
    public static readonly string[] DatabaseCompanions = ["-wal", "-shm", "-journal"];

    private readonly string[] _roots;
    private readonly bool _any;
    private readonly string[] _reservedFiles;
    private readonly string[] _reservedFolders;

    /// <summary>
    /// A policy over <paramref name="roots"/> (absolute); one <c>*</c> allows any path. With
    /// <paramref name="databasePath"/>, that database, its companions and the checkpoint and upload folders beside it
    /// are refused, and relative paths resolve against its folder (<see cref="DataFolder"/>).
    /// </summary>
    public ConfigPathPolicy(IEnumerable<string> roots, string? databasePath = null)
    {
        var list = roots.Where(r => !string.IsNullOrWhiteSpace(r)).ToArray();
        _any = list.Contains("*");
        _roots = _any ? [] : list.Select(r => RealPath.Of(Path.GetFullPath(r))).Distinct().ToArray();
        if (databasePath is null)
        {
            _reservedFiles = [];
            _reservedFolders = [];
            return;
        }
        var database = Path.GetFullPath(databasePath);
        DataFolder = Path.GetDirectoryName(database)!;
        _reservedFiles = DatabaseCompanions.Select(suffix => database + suffix).Prepend(database).Select(RealPath.Of).ToArray();
        _reservedFolders = [RealPath.Of(Path.Combine(DataFolder, Runs.RunCoordinator.CheckpointFolder)),
            RealPath.Of(Path.Combine(DataFolder, Api.ImportEndpoints.UploadFolder))];
    }

    /// <summary>The database's folder, which relative config paths sent to the server resolve against; null without a database.</summary>
    public string? DataFolder { get; }

    /// <summary>The canonical roots (links resolved); empty when any path is allowed.</summary>
    public IReadOnlyList<string> Roots => _roots;

    /// <summary>
    /// The policy of the app's configuration: <paramref name="dataFolder"/>, <c>Storage:AllowedRoots</c> and, when it
    /// is configured, <c>Models:AllowedRoots</c> (its default, the user's home, is not taken: too wide for data files).
    /// </summary>
    public static ConfigPathPolicy From(IConfiguration configuration, string databasePath)
    {
        var roots = new List<string> { Path.GetDirectoryName(Path.GetFullPath(databasePath))! };
        roots.AddRange(Values(configuration.GetSection(StorageRootsKey)));
        roots.AddRange(Values(configuration.GetSection(ModelsOptions.Section).GetSection(nameof(ModelsOptions.AllowedRoots))));
        return new ConfigPathPolicy(roots, databasePath);
    }

    /// <summary>Errors naming the field of every path of <paramref name="config"/> outside the roots; empty when all are inside.</summary>
    /// <param name="config">The parsed config.</param>
    /// <param name="baseDirectory">What relative paths resolve against, as the validator and the trainer do (null = working directory).</param>
    public IReadOnlyList<ConfigError> Check(TrainConfig config, string? baseDirectory = null)
    {
        var errors = new List<ConfigError>();
        if (config.Data is { Kind: DataKind.Text, Path: { } data }) CheckFile(data, "data.path", baseDirectory, errors);
        if (config.Pretrain?.Data is { Kind: DataKind.Text, Path: { } pretrain }) CheckFile(pretrain, "pretrain.data.path", baseDirectory, errors);
        if (config.Init is { Path: { } init } && CheckFile(init, "init.path", baseDirectory, errors) is { } folder)
            CheckFolderEntries(folder, init, errors);
        for (var i = 0; i < (config.Tasks?.Count ?? 0); i++)
        {
            if (config.Tasks![i] is { } task) CheckFile(task, $"tasks[{i}]", baseDirectory, errors);
        }
        return errors;
    }

    /// <summary>
    /// What of the store <paramref name="folder"/> is or holds (links resolved), for readers outside a config (model
    /// inspection); null when neither the folder nor any entry in it is one of the store's files.
    /// </summary>
    public string? StoreFileIn(string folder)
    {
        try
        {
            if (Reserved(RealPath.Of(folder)) is { } what) return $"'{folder}' is {what}";
            if (!Directory.Exists(folder)) return null;
            foreach (var entry in Directory.EnumerateFileSystemEntries(folder).Take(MaxFolderEntries))
            {
                if (Reserved(RealPath.Of(entry)) is { } inside) return $"'{Path.GetFileName(entry)}' in '{folder}' is {inside}";
            }
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return $"'{folder}' cannot be resolved ({ex.Message})";
        }
    }

    /// <summary>For messages: the roots, comma-separated.</summary>
    public string Describe() => _any ? "any folder" : string.Join(", ", _roots);

    /// <summary>The real path when allowed; null (and an error) when not.</summary>
    private string? CheckFile(string path, string field, string? baseDirectory, List<ConfigError> errors)
    {
        if (string.IsNullOrWhiteSpace(path)) return null; // the validator says it is required
        if (!_any && path.Split('/', '\\').Contains(".."))
        {
            errors.Add(new ConfigError(field, "must not contain '..': name a file inside the data folder or an allowed root"));
            return null;
        }
        string real;
        try
        {
            real = RealPath.Of(ConfigValidator.Resolve(path, baseDirectory));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            errors.Add(new ConfigError(field, $"'{path}' cannot be resolved ({ex.Message})"));
            return null;
        }
        if (Reserved(real) is { } what)
        {
            errors.Add(new ConfigError(field, $"'{path}' is {what}: the server never reads its own store as training data, tasks or a model"));
            return null;
        }
        if (_any || Inside(real)) return real;
        errors.Add(new ConfigError(field, $"'{path}' is outside the folders this server may read ({Describe()}); " +
            "put the file in the data folder or add its folder to Storage:AllowedRoots"));
        return null;
    }

    // A model folder whose files link elsewhere (a safetensors file pointing at /etc/...) is as far out as the link.
    private void CheckFolderEntries(string folder, string shown, List<ConfigError> errors)
    {
        if (!Directory.Exists(folder)) return;
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder).Take(MaxFolderEntries))
        {
            string real;
            try
            {
                real = RealPath.Of(entry);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                errors.Add(new ConfigError("init.path", $"'{Path.GetFileName(entry)}' in '{shown}' cannot be resolved ({ex.Message})"));
                return;
            }
            if (Reserved(real) is { } what)
            {
                errors.Add(new ConfigError("init.path", $"'{Path.GetFileName(entry)}' in '{shown}' is {what}"));
                return;
            }
            if (_any || Inside(real)) continue;
            errors.Add(new ConfigError("init.path", $"'{Path.GetFileName(entry)}' in '{shown}' links outside the folders this server may read ({Describe()})"));
            return;
        }
    }

    private string? Reserved(string real)
    {
        if (_reservedFiles.Any(f => string.Equals(f, real, RealPath.Comparison))) return "the dashboard's database (or one of its -wal, -shm, -journal files)";
        return _reservedFolders.Any(f => real == f || real.StartsWith(f + Path.DirectorySeparatorChar, RealPath.Comparison))
            ? "in the dashboard's checkpoint or upload folder" : null;
    }

    private bool Inside(string real) =>
        _roots.Any(root => real == root || real.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, RealPath.Comparison));

    private static IEnumerable<string> Values(IConfigurationSection section) =>
        section.Exists() ? section.GetChildren().Select(c => c.Value ?? "").Append(section.Value ?? "") : [];
}
