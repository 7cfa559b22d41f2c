using QuantScope.Web.Cli;

namespace QuantScope.Web.Tests.Support;

/// <summary>Runs a CLI verb in-process with captured output, as the command tests do.</summary>
public static class CliRun
{
    /// <summary>The exit code, stdout and stderr (newlines as "\n") of <c>QuantScopeCli</c> with <paramref name="args"/>.</summary>
    public static async Task<(int Code, string Out, string Err)> RunAsync(string[] args, CancellationToken ct = default)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = await QuantScopeCli.RunAsync(args, TextReader.Null, output, error, ct);
        return (code, output.ToString(), error.ToString());
    }
}
