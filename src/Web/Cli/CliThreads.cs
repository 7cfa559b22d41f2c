using System.CommandLine;
using QuantScope.Engine.Hosting;

namespace QuantScope.Web.Cli;

/// <summary>The <c>--threads N</c> option of the verbs that train (<c>run</c>, <c>sweep</c>, <c>worker</c>).</summary>
public static class CliThreads
{
    /// <summary>Most cores <c>--threads</c> accepts.</summary>
    public const int Max = 4096;

    /// <summary>The option: cores training may use (default: the machine's, less what other processes keep busy).</summary>
    public static Option<int?> Option()
    {
        var option = new Option<int?>("--threads")
        {
            Description = "Cores training may use, shared by the runs that train at once (default: the machine's cores, less those other processes keep busy).",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } n && n is < 1 or > Max) result.AddError($"--threads must be between 1 and {Max}, was {n}.");
        });
        return option;
    }

    /// <summary>The budget for <c>--threads</c>: exactly N cores, or (not given) the machine's following the load.</summary>
    public static ThreadBudget Budget(int? threads) =>
        threads is { } n ? new ThreadBudget(n) : new ThreadBudget(Environment.ProcessorCount, followLoad: true);
}
