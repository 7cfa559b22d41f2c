using System.Reflection;
using System.Text.RegularExpressions;
using QuantScope.Web.Cli;
using QuantScope.Tests.Shared;

namespace QuantScope.Web.Tests.Hygiene;

/// <summary>
/// Tensors live in the Engine only: the dashboard and its verbs call engine services and never name TorchSharp (its
/// package reference in src/Web excludes compile assets, so a use would not build; these tests say why if it is put back).
/// </summary>
public sealed partial class NoTorchInWebTests
{
    [Fact]
    public void WebAssembly_References_NoTorchSharpAssembly()
    {
        var references = typeof(QuantScopeCli).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();
        Assert.Contains("QuantScope.Engine", references); // the check reads the real reference list
        Assert.DoesNotContain(references, name => name.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void WebSources_Code_NeverNamesTorchSharpOrTorch()
    {
        var folder = Path.Combine(RepoPaths.Root, "src", "Web");
        var files = Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.True(files.Count > 100, $"only {files.Count} source files found under {folder}");
        var hits = files
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(folder, f), Line: i + 1, Code: CodeOf(line))))
            .Where(l => TorchInCode().IsMatch(l.Code))
            .Select(l => $"{l.File}:{l.Line}: {l.Code.Trim()}")
            .ToList();
        Assert.Empty(hits);
    }

    [Theory]
    [InlineData("using TorchSharp;", true)]
    [InlineData("using static TorchSharp.torch;", true)]
    [InlineData("if (TorchSharp.torch.cuda.is_available())", true)]
    [InlineData("var x = torch.zeros(3);", true)]
    [InlineData("// TorchSharp scopes are thread-static: see torch.NewDisposeScope", false)]
    [InlineData("/// <summary>Runs on its own thread (TorchSharp work).</summary>", false)]
    [InlineData("var label = \"emulated (TorchSharp has no float8 dtype)\";", false)]
    public void TorchInCode_CommentsAndProse_OnlyCodeMatches(string line, bool expected) =>
        Assert.Equal(expected, TorchInCode().IsMatch(CodeOf(line)));

    /// <summary>The line without its <c>//</c> comment (a URL's <c>//</c> inside a string cuts early: that only hides text, never adds a hit).</summary>
    private static string CodeOf(string line)
    {
        var comment = line.IndexOf("//", StringComparison.Ordinal);
        return comment < 0 ? line : line[..comment];
    }

    // A namespace use (using TorchSharp, TorchSharp.x) or a member of torch (torch.x): prose naming the library is fine.
    [GeneratedRegex(@"\bTorchSharp\s*[.;]|\btorch\s*\.\s*\w")]
    private static partial Regex TorchInCode();
}
