using System.Text.RegularExpressions;
using QuantScope.Tests.Shared;

namespace QuantScope.Data.Tests.Hygiene;

/// <summary>
/// In src/Data a file's namespace is its folder: <c>src/Data/Series/X.cs</c> is <c>QuantScope.Data.Series</c>,
/// <c>src/Data/Import/TfEvents/X.cs</c> is <c>QuantScope.Data.Import.TfEvents</c>, a root file is <c>QuantScope.Data</c>.
/// A newcomer then finds a type's file from its namespace alone.
/// </summary>
public sealed partial class NamespaceFolderTests
{
    [Fact]
    public void DataSources_NamespaceMatchesFolder()
    {
        var root = RepoPaths.Under("src/Data");
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f))
            .Where(f => !IsBuildOutput(f))
            .ToList();

        var mismatches = files.Select(f => Check(f, File.ReadAllText(Path.Combine(root, f)))).OfType<string>().ToList();

        // The scan must have seen the rooms it guards, or an empty folder would pass.
        Assert.Contains(Path.Combine("Runs", "RunRepository.cs"), files);
        Assert.Contains(Path.Combine("Import", "TfEvents", "TfRecordReader.cs"), files);
        Assert.Contains(Path.Combine("Migrations", "QuantScopeDbContextModelSnapshot.cs"), files);
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} files whose namespace is not their folder:\n" + string.Join('\n', mismatches));
    }

    [Theory]
    [InlineData("QuantScopeDbContext.cs", "namespace QuantScope.Data;\nclass A {}", null)]
    [InlineData("Series/Heatmap.cs", "using X;\n\nnamespace QuantScope.Data.Series;\n", null)]
    [InlineData("Migrations/Postgres/Init.cs", "namespace QuantScope.Data.Migrations.Postgres\n{\n}", null)]
    [InlineData("Series/Heatmap.cs", "namespace QuantScope.Data;\n", "Series/Heatmap.cs: namespace QuantScope.Data, expected QuantScope.Data.Series")]
    [InlineData("Runs/RunKinds.cs", "public static class RunKinds {}", "Runs/RunKinds.cs: no namespace, expected QuantScope.Data.Runs")]
    public void Check_Sample_ReportsOnlyMismatches(string path, string text, string? expected)
    {
        Assert.Equal(expected, Check(path, text));
    }

    /// <summary>Null when every namespace declared in <paramref name="text"/> is the one its folder names, else why not.</summary>
    private static string? Check(string relativePath, string text)
    {
        var folder = Path.GetDirectoryName(relativePath.Replace('\\', '/')) ?? "";
        var expected = folder.Length == 0 ? "QuantScope.Data" : "QuantScope.Data." + folder.Replace('/', '.').Replace('\\', '.');
        var declared = NamespaceLine().Matches(text).Select(m => m.Groups[1].Value).ToList();
        if (declared.Count == 0) return $"{relativePath}: no namespace, expected {expected}";
        var wrong = declared.FirstOrDefault(n => n != expected);
        return wrong is null ? null : $"{relativePath}: namespace {wrong}, expected {expected}";
    }

    private static bool IsBuildOutput(string relativePath)
    {
        var first = relativePath.Split(Path.DirectorySeparatorChar)[0];
        return first is "bin" or "obj";
    }

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)\s*[;{]?", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();
}
