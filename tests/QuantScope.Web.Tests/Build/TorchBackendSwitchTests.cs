using System.Xml.Linq;
using QuantScope.Tests.Shared;

namespace QuantScope.Web.Tests.Build;

/// <summary>
/// The libtorch backend switch (build/TorchBackend.props): <c>-p:TorchBackend=cuda</c> swaps TorchSharp-cpu for the CUDA
/// package in every project that carries natives and defines TORCH_CUDA. The CUDA packages cannot be restored here,
/// so the projects are only evaluated (<c>dotnet msbuild -getItem</c>, no restore): what a user's restore would fetch.
/// </summary>
public sealed class TorchBackendSwitchTests
{
    private const string CpuPackage = "TorchSharp-cpu";

    /// <summary>Every project that references a TorchSharp native package, with the asset metadata its reference needs.</summary>
    private static readonly IReadOnlyDictionary<string, (string? PrivateAssets, string? ExcludeAssets)> NativeProjects =
        new Dictionary<string, (string?, string?)>
        {
            ["src/Engine/QuantScope.Engine.csproj"] = ("all", null), // Data and its tests must get no natives through Engine
            ["src/Web/QuantScope.Web.csproj"] = (null, "compile"), // runtime only: Web's code never names TorchSharp
            ["tests/QuantScope.Engine.Tests/QuantScope.Engine.Tests.csproj"] = (null, null),
            ["tests/QuantScope.Web.Tests/QuantScope.Web.Tests.csproj"] = (null, null),
            ["bench/QuantScope.Bench/QuantScope.Bench.csproj"] = (null, null),
        };

    [Fact]
    public async Task Evaluate_CudaOnLinux_EveryNativeProjectSwapsToCudaLinuxAndDefinesTorchCuda()
    {
        var results = await EvaluateAllAsync(new Dictionary<string, string> { ["TorchBackend"] = "cuda", ["TorchTargetOS"] = "linux" });
        foreach (var (project, evaluation) in results)
        {
            AssertOnlyNative(project, evaluation, "TorchSharp-cuda-linux");
            Assert.Contains("TORCH_CUDA", Constants(evaluation));
        }
    }

    [Fact]
    public async Task Evaluate_Default_EveryNativeProjectReferencesTorchSharpCpuWithoutTorchCuda()
    {
        var results = await EvaluateAllAsync(new Dictionary<string, string>());
        foreach (var (project, evaluation) in results)
        {
            Assert.Equal("cpu", evaluation.Properties["TorchBackend"]);
            AssertOnlyNative(project, evaluation, CpuPackage);
            Assert.DoesNotContain("TORCH_CUDA", Constants(evaluation));
        }
    }

    [Fact]
    public async Task Evaluate_CudaOnWindows_ReferencesCudaWindowsPackage()
    {
        const string project = "src/Engine/QuantScope.Engine.csproj";
        var evaluation = await MsBuildEvaluation.RunAsync(project,
            new Dictionary<string, string> { ["TorchBackend"] = "cuda", ["TorchTargetOS"] = "windows" }, "DefineConstants", "TorchBackend");
        AssertOnlyNative(project, evaluation, "TorchSharp-cuda-windows");
        Assert.Contains("TORCH_CUDA", Constants(evaluation));
    }

    [Theory]
    [InlineData("rocm", "QS0001", "Unknown TorchBackend 'rocm'")]
    [InlineData("CUDA12", "QS0001", "Unknown TorchBackend 'CUDA12'")]
    public async Task CheckTarget_UnknownBackend_FailsNamingTheValue(string backend, string code, string message)
    {
        var (exit, stdout, stderr) = await MsBuildEvaluation.RunDotnetAsync(
            ["msbuild", RepoPaths.Under("src/Engine/QuantScope.Engine.csproj"), "-nologo", "-t:QuantScopeCheckTorchBackend", $"-p:TorchBackend={backend}"],
            TimeSpan.FromMinutes(2));
        Assert.NotEqual(0, exit);
        Assert.Contains($"error {code}: {message}", stdout + stderr);
    }

    [Fact]
    public void PackageVersions_CudaPackages_PinTheSameVersionAsTorchSharpCpu()
    {
        var versions = XDocument.Load(RepoPaths.Under("Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!);
        var cpu = versions[CpuPackage];
        Assert.Equal(cpu, versions["TorchSharp-cuda-linux"]);
        Assert.Equal(cpu, versions["TorchSharp-cuda-windows"]);
    }

    [Fact]
    public void ProjectFiles_NativeReferences_OnlyThroughTorchNativePackage()
    {
        var projects = Directory.EnumerateFiles(RepoPaths.Root, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.True(projects.Count >= NativeProjects.Count, $"only {projects.Count} project files found");
        var carriers = new List<string>();
        foreach (var path in projects)
        {
            var includes = XDocument.Load(path).Descendants("PackageReference").Select(e => (string?)e.Attribute("Include") ?? "").ToList();
            // A literal TorchSharp-cpu / -cuda reference would escape the switch (TorchSharp alone, without natives, would not).
            Assert.DoesNotContain(includes, i => i.StartsWith("TorchSharp-", StringComparison.OrdinalIgnoreCase) || i.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase));
            if (includes.Contains("$(TorchNativePackage)")) carriers.Add(Path.GetRelativePath(RepoPaths.Root, path).Replace('\\', '/'));
        }
        Assert.Equal(NativeProjects.Keys.Order(StringComparer.Ordinal), carriers.Order(StringComparer.Ordinal));
    }

    private static async Task<IReadOnlyList<(string Project, MsBuildEvaluation Evaluation)>> EvaluateAllAsync(Dictionary<string, string> globals)
    {
        // Two at a time: each evaluation is a few seconds of one core, and the machine has two.
        using var gate = new SemaphoreSlim(2);
        var tasks = NativeProjects.Keys.Select(async project =>
        {
            await gate.WaitAsync();
            try
            {
                return (project, await MsBuildEvaluation.RunAsync(project, globals, "DefineConstants", "TorchBackend"));
            }
            finally
            {
                gate.Release();
            }
        });
        return await Task.WhenAll(tasks);
    }

    private static void AssertOnlyNative(string project, MsBuildEvaluation evaluation, string expected)
    {
        var natives = evaluation.PackageReferences.Where(r => r.Name.StartsWith("TorchSharp-", StringComparison.OrdinalIgnoreCase)).ToList();
        var native = Assert.Single(natives);
        Assert.Equal(expected, native.Name);
        var (privateAssets, excludeAssets) = NativeProjects[project];
        Assert.Equal(privateAssets, native.PrivateAssets);
        Assert.Equal(excludeAssets, native.ExcludeAssets);
    }

    private static string[] Constants(MsBuildEvaluation evaluation) =>
        evaluation.Properties["DefineConstants"].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
