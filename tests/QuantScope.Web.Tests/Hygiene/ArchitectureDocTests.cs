using System.Text.RegularExpressions;
using QuantScope.Tests.Shared;

namespace QuantScope.Web.Tests.Hygiene;

/// <summary>
/// docs/ARCHITECTURE.md and README's "How it is built" name the projects, rooms and the files one metric passes
/// through; these tests keep those names true: every path they quote exists, and the metric's path lists files in order.
/// </summary>
public sealed partial class ArchitectureDocTests
{
    private const string ArchitectureDoc = "docs/ARCHITECTURE.md";

    [Fact]
    public void ArchitectureDoc_EveryQuotedPath_Exists()
    {
        var text = File.ReadAllText(RepoPaths.Under(ArchitectureDoc));
        var paths = QuotedPaths(text);

        Assert.True(paths.Count >= 30, $"{ArchitectureDoc} quotes only {paths.Count} repository paths");
        AssertAllExist(paths);
    }

    [Fact]
    public void ReadmeHowItIsBuilt_EveryQuotedPath_Exists()
    {
        var readme = File.ReadAllText(RepoPaths.Under("README.md"));
        var start = readme.IndexOf("## How it is built", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no '## How it is built' section");
        var next = readme.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        var section = next < 0 ? readme[start..] : readme[start..next];
        var paths = QuotedPaths(section);

        Assert.True(paths.Count >= 10, $"README's 'How it is built' quotes only {paths.Count} repository paths");
        AssertAllExist(paths);
        Assert.Contains(ArchitectureDoc, paths);
    }

    [Fact]
    public void ArchitectureDoc_MetricPath_NamesFilesInOrderFromQuantizerToBrowser()
    {
        var text = File.ReadAllText(RepoPaths.Under(ArchitectureDoc));
        var start = text.IndexOf("## One metric's path", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{ArchitectureDoc} has no \"## One metric's path\" section");
        var next = text.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        var section = next < 0 ? text[start..] : text[start..next];

        // The numbered steps, each naming at least one file; the first is in the engine, the last in the web root.
        var steps = StepLine().Matches(section).Select(m => QuotedPaths(m.Value)).Where(p => p.Count > 0).ToList();
        Assert.True(steps.Count >= 8, $"the metric's path has {steps.Count} numbered steps naming files");
        Assert.StartsWith("src/Engine/", steps[0][0]);
        Assert.StartsWith("wwwroot/", steps[^1][0]);
        AssertAllExist(steps.SelectMany(s => s));
    }

    private static void AssertAllExist(IEnumerable<string> paths)
    {
        var missing = paths.Where(p => !Exists(p)).ToList();
        Assert.True(missing.Count == 0, "named but not in the checkout: " + string.Join(", ", missing));
    }

    private static List<string> QuotedPaths(string markdown) =>
        QuotedPath().Matches(markdown).Select(m => m.Groups["path"].Value.TrimEnd('/')).Distinct().ToList();

    private static bool Exists(string relative) =>
        File.Exists(RepoPaths.Under(relative)) || Directory.Exists(RepoPaths.Under(relative));

    // `src/...`, `tests/...`, `bench/...`, `clients/...`, `wwwroot/...`, `docs/...`, `.ci/...`, or a root file.
    [GeneratedRegex(@"`(?<path>(?:src|tests|bench|clients|wwwroot|docs|\.ci)/[A-Za-z0-9_./\-]+|QuantScope\.sln|README\.md|Directory\.(?:Build|Packages)\.(?:props|targets))`")]
    private static partial Regex QuotedPath();

    [GeneratedRegex(@"(?m)^\d+\.\s.*$")]
    private static partial Regex StepLine();
}
