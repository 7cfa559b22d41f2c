using System.Diagnostics;

namespace QuantScope.Bench.Shared;

/// <summary>Starts this bench's own executable again as a child process (a bench that needs a fresh process or its own environment).</summary>
public static class BenchChild
{
    /// <summary>
    /// The start info of a child running <paramref name="verb"/> with <paramref name="args"/>: the same executable (or
    /// <c>dotnet QuantScope.Bench.dll</c> when started that way), stdout and stderr redirected to the caller.
    /// </summary>
    public static ProcessStartInfo StartInfo(string verb, IEnumerable<string> args)
    {
        var host = Environment.ProcessPath!;
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") info.ArgumentList.Add(typeof(BenchChild).Assembly.Location); // started as `dotnet QuantScope.Bench.dll`
        info.ArgumentList.Add(verb);
        foreach (var a in args) info.ArgumentList.Add(a);
        return info;
    }
}
