using System.Diagnostics;

namespace QuantScope.Browser.Tests.Support;

/// <summary>
/// On a fresh Debian/Ubuntu machine where the tests run as root, installs the distribution's chromium once, so the
/// README's test command sets the machine up by itself. Switched off with <c>QUANTSCOPE_NO_BROWSER_INSTALL=1</c>.
/// </summary>
public static class ChromiumInstaller
{
    /// <summary>Environment variable that stops the tests from installing chromium.</summary>
    public const string NoInstallVariable = "QUANTSCOPE_NO_BROWSER_INSTALL";

    private static readonly Lazy<string?> Attempt = new(Install);

    /// <summary>Tries the install once per process; returns what went wrong, or null when apt-get succeeded.</summary>
    public static string? TryInstall() => Attempt.Value;

    private static string? Install()
    {
        if (Environment.GetEnvironmentVariable(NoInstallVariable) is "1") return $"{NoInstallVariable}=1";
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/apt-get")) return "no apt-get on this machine";
        if (Environment.UserName != "root") return "not running as root (apt-get needs it)";
        var update = Run("apt-get", "update -qq");
        var install = Run("apt-get", "install -y -qq chromium");
        return update == 0 && install == 0 ? null : $"apt-get exited with {update}/{install}";
    }

    private static int Run(string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEndAsync();
        process.StandardError.ReadToEndAsync();
        return process.WaitForExit(TimeSpan.FromMinutes(10)) ? process.ExitCode : -1;
    }
}
