using System.CommandLine;

namespace QuantScope.Web.Cli;

/// <summary>
/// The command-line verbs that share the web app's executable: <c>run</c>, <c>quantize</c>, <c>export</c> and the others listed below. Program.cs routes
/// here only when <see cref="IsVerb"/> says so; everything else (no args, <c>--urls ...</c>, <c>key=value</c>) starts
/// the web app. Streams are parameters so tests run verbs in-process.
/// </summary>
public static class QuantScopeCli
{
    /// <summary>Exit code for bad input or usage (unparseable line, unknown format, bad option).</summary>
    public const int UsageError = 2;

    /// <summary>
    /// True when the first argument names a verb (or is any other bare word, which then gets an "unknown command"
    /// error): not an option (<c>-x</c>, <c>--x</c>) and not a host setting (<c>key=value</c>).
    /// </summary>
    public static bool IsVerb(string[] args) =>
        args.Length > 0 && args[0].Length > 0 && !args[0].StartsWith('-') && !args[0].Contains('=');

    /// <summary>Runs a verb on the process's console streams.</summary>
    public static Task<int> RunAsync(string[] args) =>
        RunAsync(args, Console.In, Console.Out, Console.Error, CancellationToken.None);

    /// <summary>Runs a verb on the given streams; returns the exit code (0 ok, 2 usage or input error).</summary>
    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken ct = default)
    {
        var root = new RootCommand("QuantScope command-line verbs (run without a verb to start the web app).")
        {
            QuantizeCommand.Create(stdin, stdout, stderr),
            CompareCommand.Create(stdout, stderr),
            RunCommand.Create(stdout, stderr),
            ResumeCommand.Create(stdout, stderr),
            ImportCommand.Create(stdout, stderr),
            ExportCommand.Create(stdout, stderr),
            LawCommand.Create(stdout, stderr),
            SweepCommand.Create(stdout, stderr),
            PtqCommand.Create(stdout, stderr),
            HfCommand.Create(stdout, stderr),
            DiagnoseCommand.Create(stdout, stderr),
            Cluster.WorkerCommand.Create(stdout, stderr),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) await stderr.WriteLineAsync(error.Message);
            return UsageError;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, ct);
    }
}
