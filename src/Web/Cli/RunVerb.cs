using System.CommandLine;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Cli;

/// <summary>
/// The verbs that act on one stored run (<c>diagnose</c>, <c>resume</c>): <c>--run ID [--db PATH] [--json]</c>, the id
/// checked before the database is opened.
/// </summary>
internal static class RunVerb
{
    /// <summary>The verb; <paramref name="work"/> gets the parsed id, the --db value and --json.</summary>
    public static Command Create(
        string name, string description, string runHelp, string dbHelp, string jsonHelp, TextWriter stderr,
        Func<Guid, string?, bool, CancellationToken, Task<int>> work)
    {
        var run = new Option<string>("--run") { Description = runHelp, Required = true };
        var db = new Option<string?>("--db") { Description = $"SQLite database (default {new StorageOptions().DatabasePath}){dbHelp}." };
        var json = new Option<bool>("--json") { Description = jsonHelp };
        var command = new Command(name, description) { run, db, json };
        command.SetAction(async (parsed, ct) =>
        {
            if (!Guid.TryParse(parsed.GetValue(run), out var id))
            {
                await stderr.WriteLineAsync("--run: must be a run id");
                return QuantScopeCli.UsageError;
            }
            return await work(id, parsed.GetValue(db), parsed.GetValue(json), ct);
        });
        return command;
    }
}
