using System.Diagnostics;

namespace QuantScope.Tests.Shared;

/// <summary>
/// Runs the PostgreSQL command-line programs for <see cref="LocalPostgresServer"/>. PostgreSQL refuses to run as root,
/// so as root every program runs as the <c>postgres</c> OS user (created by Debian's package) through <c>runuser</c>.
/// </summary>
internal static class PostgresProcess
{
    /// <summary>True when this process runs as root (effective uid 0).</summary>
    public static bool IsRoot => Environment.IsPrivilegedProcess;

    /// <summary>Runs <paramref name="program"/> with <paramref name="args"/>; throws with its output when it fails.</summary>
    public static async Task<string> RunAsync(string program, IReadOnlyList<string> args, bool asPostgresUser, TimeSpan timeout, CancellationToken ct)
    {
        var (exit, output) = await TryRunAsync(program, args, asPostgresUser, timeout, ct);
        return exit == 0
            ? output
            : throw new InvalidOperationException($"{Path.GetFileName(program)} failed (exit {exit}): {output.Trim()}");
    }

    /// <summary>Runs the program and returns its exit code with stdout and stderr together.</summary>
    public static async Task<(int Exit, string Output)> TryRunAsync(
        string program, IReadOnlyList<string> args, bool asPostgresUser, TimeSpan timeout, CancellationToken ct)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // pg_ctl must not inherit the test host's stdin
            UseShellExecute = false,
        };
        if (asPostgresUser && IsRoot)
        {
            info.FileName = "runuser";
            foreach (var a in new[] { "-u", "postgres", "--", program }) info.ArgumentList.Add(a);
        }
        else
        {
            info.FileName = program;
        }
        foreach (var a in args) info.ArgumentList.Add(a);

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        process.StandardInput.Close();
        // Read both streams to the end: pg_ctl's started server inherits nothing of ours, so the pipes close with pg_ctl.
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"{Path.GetFileName(program)} did not finish within {timeout.TotalSeconds:0} s.");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
