namespace QuantScope.Tests.Shared;

/// <summary>Paths in the repository checkout, found from the test binaries (shared source, linked into each test project).</summary>
public static class RepoPaths
{
    /// <summary>The folder holding QuantScope.sln, found by walking up from <see cref="AppContext.BaseDirectory"/>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A path under the repository root, given with forward slashes (<c>src/Web/Program.cs</c>).</summary>
    public static string Under(string relative) =>
        Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "QuantScope.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"QuantScope.sln not found above {AppContext.BaseDirectory}");
    }
}
