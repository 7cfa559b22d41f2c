namespace QuantScope.Web.Security;

/// <summary>
/// A path with every symbolic link on it resolved, component by component (the parent folders' links too, which
/// <see cref="FileSystemInfo.ResolveLinkTarget(bool)"/> on the last component alone would miss). Components that do
/// not exist are kept as written: a file not created yet lies where its name says.
/// </summary>
internal static class RealPath
{
    // Linux's own limit on links followed while resolving one path (ELOOP).
    private const int MaxLinks = 40;

    /// <summary>File names compare by case where the file system does (Linux), ignoring case on Windows and macOS.</summary>
    public static StringComparison Comparison => OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    /// <summary>The real path of <paramref name="path"/> (made absolute first).</summary>
    /// <exception cref="IOException">More than 40 links on the way (a loop).</exception>
    public static string Of(string path)
    {
        var links = 0;
        return Resolve(Path.GetFullPath(path), ref links);
    }

    private static string Resolve(string full, ref int links)
    {
        var root = Path.GetPathRoot(full) ?? "";
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Join(current, part);
            var info = new FileInfo(next); // lstat: LinkTarget is set for a link to a file or to a folder
            if (info.LinkTarget is { } target)
            {
                if (++links > MaxLinks) throw new IOException($"too many symbolic links resolving '{full}'");
                // A relative target is relative to the link's folder; the target's own folders may be links too.
                next = Resolve(Path.GetFullPath(target, current), ref links);
            }
            current = next;
        }
        return Path.TrimEndingDirectorySeparator(current);
    }
}
