namespace QuantScope.Bench;

/// <summary>The benchmark host's entry point (not top-level statements: those would declare a second <c>Program</c> beside the dashboard's).</summary>
public static class BenchHost
{
    /// <summary>Parses the command line and runs the chosen bench; returns its exit code (2 for a usage error).</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.FirstOrDefault() == Contention.ContentionChild.Verb) return await Contention.ContentionChild.RunAsync(args[1..]);
        if (args.FirstOrDefault() == Diagnostics.DiagnosticsChild.Verb) return Diagnostics.DiagnosticsChild.Run(args[1..]);
        Engine.Hosting.OpenMpWaitPolicy.Apply(); // as the dashboard does, before libtorch loads
        Engine.Hosting.NativeHeap.Apply(); // likewise: freed tensor memory kept for reuse
        var parsed = BenchCommand.Create(Console.Out, Console.Error).Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) await Console.Error.WriteLineAsync(error.Message);
            return 2;
        }

        return await parsed.InvokeAsync();
    }
}
