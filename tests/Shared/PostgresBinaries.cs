namespace QuantScope.Tests.Shared;

/// <summary>
/// Finds the folder holding PostgreSQL's server programs (<c>initdb</c>, <c>pg_ctl</c>): <c>QUANTSCOPE_POSTGRES_BIN</c>,
/// then Debian's <c>/usr/lib/postgresql/VERSION/bin</c> (highest version), then PATH. On Debian/Ubuntu as root, a
/// missing server is installed with <c>apt-get install -y postgresql</c> unless <c>QUANTSCOPE_NO_POSTGRES_INSTALL=1</c>.
/// </summary>
internal static class PostgresBinaries
{
    /// <summary>Environment variable naming the folder of <c>initdb</c> and <c>pg_ctl</c>.</summary>
    public const string BinVariable = "QUANTSCOPE_POSTGRES_BIN";

    /// <summary>Environment variable that forbids running apt-get.</summary>
    public const string NoInstallVariable = "QUANTSCOPE_NO_POSTGRES_INSTALL";

    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    /// <summary>The bin folder, installing the server first when allowed; throws saying how to get one otherwise.</summary>
    public static async Task<string> FindOrInstallAsync(CancellationToken ct)
    {
        var configured = Environment.GetEnvironmentVariable(BinVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(Path.Combine(configured, "initdb"))
                ? configured
                : throw new InvalidOperationException($"{BinVariable}={configured} holds no initdb.");
        }
        if (Search() is { } found)
            return found;

        string? why;
        await InstallGate.WaitAsync(ct);
        try
        {
            why = Search() is null ? await TryInstallAsync(ct) : null;
        }
        finally
        {
            InstallGate.Release();
        }
        return Search() ?? throw new InvalidOperationException(
            "PostgreSQL's server programs (initdb, pg_ctl) were not found" + (why is null ? "" : $" and were not installed ({why})") +
            ". Install Debian's server with `sudo apt-get install -y postgresql`, or set " +
            $"{BinVariable} to the folder holding initdb.");
    }

    /// <summary>The bin folder if one is present, else null.</summary>
    public static string? Search()
    {
        const string debian = "/usr/lib/postgresql";
        if (Directory.Exists(debian))
        {
            var best = Directory.GetDirectories(debian)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .Where(c => File.Exists(Path.Combine(c.Dir, "initdb")))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Dir)
                .FirstOrDefault();
            if (best is not null) return best;
        }
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
    }

    /// <summary>Null when apt-get installed the package; otherwise why it was not tried or failed.</summary>
    private static async Task<string?> TryInstallAsync(CancellationToken ct)
    {
        if (Environment.GetEnvironmentVariable(NoInstallVariable) is "1" or "true")
            return $"{NoInstallVariable} is set";
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/apt-get"))
            return "no apt-get on this machine";
        if (!PostgresProcess.IsRoot)
            return "not root, so apt-get was not run";
        var timeout = TimeSpan.FromMinutes(10);
        var env = new[] { "DEBIAN_FRONTEND=noninteractive" };
        var (code, output) = await PostgresProcess.TryRunAsync("env", [.. env, "apt-get", "install", "-y", "-qq", "postgresql"], false, timeout, ct);
        if (code == 0) return null;
        // The package lists may be missing on a fresh image: refresh them once and retry.
        await PostgresProcess.TryRunAsync("apt-get", ["update", "-qq"], false, timeout, ct);
        (code, output) = await PostgresProcess.TryRunAsync("env", [.. env, "apt-get", "install", "-y", "-qq", "postgresql"], false, timeout, ct);
        return code == 0 ? null : $"apt-get install postgresql failed: {output.Trim()}";
    }
}
