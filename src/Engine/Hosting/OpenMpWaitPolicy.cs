using System.Runtime.InteropServices;

namespace QuantScope.Engine.Hosting;

/// <summary>
/// How libtorch's OpenMP workers wait at the end of each parallel op. libgomp's default spins for a while; when one
/// worker loses its core to another process (a user's PyTorch job, a second run, a compile), every op waits for it and
/// the run collapses (measured 12x on 2 cores). A passive policy puts idle workers to sleep instead, so a run next to
/// busy processes degrades to its share. libgomp reads the setting once, when libtorch loads: call
/// <see cref="Apply"/> first thing in a process, before any tensor op. A policy the user set
/// (<c>OMP_WAIT_POLICY</c> or <c>GOMP_SPINCOUNT</c> in the environment) is left as it is.
/// </summary>
public static class OpenMpWaitPolicy
{
    /// <summary>The variable set, and its value.</summary>
    public const string Variable = "OMP_WAIT_POLICY", Passive = "PASSIVE";

    /// <summary>
    /// Sets <c>OMP_WAIT_POLICY=PASSIVE</c> in the process's native environment unless a wait policy is already set.
    /// Returns the policy in force afterwards (for logs and the bench), e.g. <c>OMP_WAIT_POLICY=PASSIVE</c>.
    /// </summary>
    public static string Apply()
    {
        var policy = Environment.GetEnvironmentVariable(Variable);
        var spin = Environment.GetEnvironmentVariable("GOMP_SPINCOUNT");
        if (policy is null && spin is null)
        {
            // .NET keeps its own copy of the environment on Unix: libgomp reads the C library's, so set that one too.
            if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) setenv(Variable, Passive, 0);
            Environment.SetEnvironmentVariable(Variable, Passive);
            policy = Passive;
        }

        return spin is null ? $"{Variable}={policy}" : $"GOMP_SPINCOUNT={spin}" + (policy is null ? "" : $", {Variable}={policy}");
    }

    [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int setenv(string name, string value, int overwrite);
}
