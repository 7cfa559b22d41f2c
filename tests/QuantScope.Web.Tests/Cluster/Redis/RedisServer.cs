using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace QuantScope.Web.Tests.Cluster.Redis;

/// <summary>
/// A throw-away <c>redis-server</c> on 127.0.0.1 at a free port, no persistence, in a temp directory; stopped on
/// dispose. Finds Debian's binary, or installs the <c>redis-server</c> package with apt-get when running as root.
/// When Redis can be neither found nor installed, construction fails with instructions, unless
/// <see cref="SkipVariable"/> is set (the tests are then skipped, see <see cref="RedisFactAttribute"/>).
/// </summary>
public sealed class RedisServer : IDisposable
{
    /// <summary>Environment variable that skips the Redis tests when set to 1 or true and Redis is missing.</summary>
    public const string SkipVariable = "QUANTSCOPE_SKIP_REDIS_TESTS";

    private static readonly string[] KnownPlaces = ["/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server"];

    private readonly string? _executable;
    private Process? _process;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"quantscope-redis-{Guid.NewGuid():N}");
    private readonly StringBuilder _output = new();

    /// <summary>Starts the server (installing it first when missing and allowed).</summary>
    public RedisServer()
    {
        var executable = _executable = Locate() ?? (SkipRequested ? null : Install());
        if (executable is null)
        {
            if (SkipRequested) return;
            throw new InvalidOperationException(
                "redis-server was not found and could not be installed. Install Debian's package (`sudo apt-get install -y redis-server`), " +
                $"or set {SkipVariable}=1 to skip the tests of several dashboard hosts.");
        }
        Directory.CreateDirectory(_directory);
        // A free port can be taken between probe and bind by a neighbour: try a few.
        for (var attempt = 1; attempt <= 3 && _process is null; attempt++)
        {
            var port = FreePort();
            var process = Start(executable, port);
            if (WaitUntilReady(process, port))
            {
                _process = process;
                Port = port;
            }
            else
            {
                Stop(process);
            }
        }
        if (_process is null)
        {
            throw new InvalidOperationException($"{executable} did not answer PING on 127.0.0.1 within 10 s. Its output:\n{Output}");
        }
    }

    /// <summary>True when the server was started; false only when Redis is missing and <see cref="SkipVariable"/> is set.</summary>
    public bool Available => _executable is not null && Port != 0;

    /// <summary>Its TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>StackExchange.Redis connection string.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>True when <see cref="SkipVariable"/> is 1 or true.</summary>
    public static bool SkipRequested =>
        Environment.GetEnvironmentVariable(SkipVariable) is { } v && (v == "1" || string.Equals(v, "true", StringComparison.OrdinalIgnoreCase));

    /// <summary>The server binary, or null.</summary>
    public static string? Locate()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "redis-server"));
        return path.Concat(KnownPlaces).FirstOrDefault(File.Exists);
    }

    private string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    private static string? Install()
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess || !File.Exists("/usr/bin/apt-get")) return null;
        // The package lists may be missing on a fresh machine: update only when a plain install fails.
        if (!RunApt("install -y -qq redis-server") && !(RunApt("update -qq") && RunApt("install -y -qq redis-server"))) return null;
        return Locate();
    }

    private static bool RunApt(string arguments)
    {
        var info = new ProcessStartInfo("/usr/bin/apt-get", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var apt = Process.Start(info)!;
        apt.OutputDataReceived += (_, _) => { };
        apt.ErrorDataReceived += (_, _) => { };
        apt.BeginOutputReadLine();
        apt.BeginErrorReadLine();
        if (!apt.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            apt.Kill();
            return false;
        }
        return apt.ExitCode == 0;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private Process Start(string executable, int port)
    {
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _directory };
        // Loopback only, no RDB snapshots, no append-only file: nothing outlives the test.
        foreach (var arg in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                     "--dir", _directory, "--daemonize", "no", "--protected-mode", "yes" })
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private static bool WaitUntilReady(Process process, int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                using var stream = client.GetStream();
                stream.Write("PING\r\n"u8);
                var buffer = new byte[16];
                var read = stream.Read(buffer);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal)) return true;
            }
            catch (SocketException)
            {
            }
            Thread.Sleep(50);
        }
        return false;
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit(5000);
        }
        process.Dispose();
    }

    /// <summary>Stops the server (an outage); <see cref="Restart"/> brings it back on the same port, empty.</summary>
    public void Kill()
    {
        if (_process is not null) Stop(_process);
        _process = null;
    }

    /// <summary>Starts the server again on <see cref="Port"/> after <see cref="Kill"/>.</summary>
    public void Restart()
    {
        if (_process is not null || _executable is null) throw new InvalidOperationException("The server is running or was never started.");
        var process = Start(_executable, Port);
        if (!WaitUntilReady(process, Port))
        {
            Stop(process);
            throw new InvalidOperationException($"redis-server did not come back on port {Port}. Its output:\n{Output}");
        }
        _process = process;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
