using System.Diagnostics;
using QuantScope.Tests.Shared;

namespace QuantScope.Web.Tests.Build;

/// <summary>
/// One project evaluated by <c>dotnet msbuild -getItem -getProperty</c>: no restore, no build, nothing downloaded, so
/// a switch to packages this machine cannot restore (the CUDA builds of TorchSharp) can still be checked.
/// </summary>
internal sealed record MsBuildEvaluation(IReadOnlyList<PackageRef> PackageReferences, IReadOnlyDictionary<string, string> Properties)
{
    /// <summary>Evaluates <paramref name="project"/> (a path under the repository root) with the given global properties.</summary>
    public static async Task<MsBuildEvaluation> RunAsync(string project, IReadOnlyDictionary<string, string> globals, params string[] properties)
    {
        var arguments = new List<string> { "msbuild", RepoPaths.Under(project), "-getItem:PackageReference" };
        arguments.AddRange(properties.Select(p => $"-getProperty:{p}"));
        arguments.AddRange(globals.Select(g => $"-p:{g.Key}={g.Value}"));
        var (code, stdout, stderr) = await RunDotnetAsync(arguments, TimeSpan.FromMinutes(2));
        Assert.True(code == 0, $"dotnet {string.Join(' ', arguments)} exited {code}\n{stdout}\n{stderr}");

        using var json = JsonDocument.Parse(stdout);
        var refs = json.RootElement.GetProperty("Items").GetProperty("PackageReference").EnumerateArray()
            .Select(e => new PackageRef(
                e.GetProperty("Identity").GetString()!,
                e.TryGetProperty("PrivateAssets", out var p) ? p.GetString() : null,
                e.TryGetProperty("ExcludeAssets", out var x) ? x.GetString() : null))
            .ToList();
        var values = json.RootElement.GetProperty("Properties").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
        return new MsBuildEvaluation(refs, values);
    }

    /// <summary>Runs <c>dotnet</c> (the one running these tests) in the repository root; MSBuild variables of the test host are not passed on.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunDotnetAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        // `dotnet test` exports MSBuild's own paths (MSBuildExtensionsPath, MSBUILD_EXE_PATH, ...) to its children:
        // a nested msbuild must find its SDK by itself. No node reuse: nothing is left running after the test.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(key);
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} ran over {timeout}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
