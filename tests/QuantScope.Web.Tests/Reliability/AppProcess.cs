using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace QuantScope.Web.Tests.Reliability;

/// <summary>
/// The real app as a child process (<c>dotnet QuantScope.Web.dll --urls http://127.0.0.1:0</c>) on a database file the
/// test chooses, so that it can be killed with SIGKILL and started again on the same file.
/// </summary>
public sealed partial class AppProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Where the app answers, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl { get; }

    /// <summary>A client on <see cref="BaseUrl"/>.</summary>
    public HttpClient Client { get; }

    /// <summary>Starts the app on <paramref name="databasePath"/> and waits until it listens (or throws after 90 s).</summary>
    public static async Task<AppProcess> StartAsync(string databasePath, IReadOnlyDictionary<string, string>? settings = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "QuantScope.Web.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add("http://127.0.0.1:0");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Storage__DatabasePath"] = databasePath;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) info.Environment[key] = value;

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var output = new StringBuilder();
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(object? _, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (ListeningRegex().Match(e.Data) is { Success: true } m) listening.TrySetResult(m.Groups[1].Value);
        }
        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(90)));
        if (first != listening.Task)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            lock (output) throw new InvalidOperationException($"The app did not start listening:\n{output}");
        }
        var app = new AppProcess(process, (await listening.Task).TrimEnd('/'));
        lock (output) app._output.Append(output);
        return app;
    }

    /// <summary>SIGKILL to the app and its children: no shutdown code runs.</summary>
    public void KillHard()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(30_000);
    }

    /// <summary>PRAGMA integrity_check of a database file (opened by this process; call with the app stopped).</summary>
    public static string IntegrityCheck(string databasePath)
    {
        using (var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA integrity_check;";
            return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        KillHard();
        Client.Dispose();
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on:\s*(http://\S+)")]
    private static partial Regex ListeningRegex();
}
