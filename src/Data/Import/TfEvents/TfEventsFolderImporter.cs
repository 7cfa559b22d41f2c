namespace QuantScope.Data.Import.TfEvents;

/// <summary>
/// Reads a folder of TensorBoard runs as one run: every event file (a name holding <c>.tfevents.</c>) below the
/// folder, in path order (event file names start with their creation time, so a restarted job's later file wins a
/// step both hold), each metric prefixed with the file's sub-folder below the folders all event files share:
/// <c>exp1/events...</c> and <c>exp1/validation/events...</c> give <c>loss</c> and <c>validation/loss</c>; Keras's
/// <c>logs/train/...</c> and <c>logs/validation/...</c> give <c>train/loss</c> and <c>validation/loss</c>. Other files
/// are left out, with a note.
/// </summary>
public static class TfEventsFolderImporter
{
    /// <summary>True when <paramref name="fileName"/> names a TensorBoard event file.</summary>
    public static bool IsEventFile(string fileName) =>
        Path.GetFileName(fileName.Replace('\\', '/')).Contains(".tfevents.", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads every event file below <paramref name="folder"/> into <paramref name="into"/>.</summary>
    /// <exception cref="InvalidDataException">The folder holds no event file.</exception>
    public static void Read(string folder, ImportedSeries into, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var files = Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Select(path => (Path.GetRelativePath(folder, path), (Func<Stream>)(() => File.OpenRead(path))))
            .ToArray();
        Read(files, into, ct);
    }

    /// <summary>
    /// Reads the event files among <paramref name="files"/> (paths relative to the folder, either slash; the folders all
    /// of them share are dropped, so a browser's folder upload, which names the chosen folder first, reads as the CLI
    /// does) into <paramref name="into"/>. The paths are only labels: nothing is opened by them.
    /// </summary>
    /// <exception cref="InvalidDataException">None of the files is an event file.</exception>
    public static void Read(IReadOnlyList<(string RelativePath, Func<Stream> Open)> files, ImportedSeries into, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(into);
        var named = files.Select(f => (Segments: Segments(f.RelativePath), f.Open)).Where(f => f.Segments.Length > 0).ToArray();
        var events = named.Where(f => IsEventFile(f.Segments[^1])).ToArray();
        if (events.Length == 0)
            throw new InvalidDataException($"No TensorBoard event files (names holding '.tfevents.') among the {files.Count} files of the folder.");
        if (events.Length < files.Count)
            into.Note($"left out {files.Count - events.Length} files that are not TensorBoard event files");

        var shared = SharedFolders(events.Select(f => f.Segments).ToArray());
        foreach (var (segments, open) in events.OrderBy(f => string.Join('/', f.Segments), StringComparer.Ordinal))
        {
            ct.ThrowIfCancellationRequested();
            var folders = segments[shared..^1];
            var prefix = folders.Length == 0 ? "" : string.Join('/', folders) + "/";
            var file = new ImportedSeries();
            using (var stream = open()) TfEventsImporter.Read(stream, file, ct);
            into.AddFrom(file, prefix, string.Join('/', segments[shared..]));
        }
    }

    // How many leading folders every path shares (never the file name itself).
    private static int SharedFolders(string[][] paths)
    {
        var shared = 0;
        while (paths.All(p => p.Length - 1 > shared && p[shared] == paths[0][shared])) shared++;
        return shared;
    }

    // The path's parts: either slash, no empty, '.', '..' or control characters (a label, never a path).
    private static string[] Segments(string relativePath) =>
        (relativePath ?? "").Split('/', '\\')
            .Select(s => new string(s.Where(c => !char.IsControl(c)).ToArray()).Trim())
            .Where(s => s is not ("" or "." or ".."))
            .ToArray();
}
