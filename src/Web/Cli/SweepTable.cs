using System.Globalization;
using System.Text.Json;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Setup;
using QuantScope.Web.Sweeps;
using Spectre.Console;

namespace QuantScope.Web.Cli;

/// <summary>Prints a sweep's results: one row per run with its grid values, status and summary metrics.</summary>
public static class SweepTable
{
    /// <summary>The results table (plain text, no colour) to <paramref name="stdout"/>.</summary>
    public static void Write(SweepDto sweep, TextWriter stdout)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(stdout),
        });
        console.Profile.Width = 200;
        var table = new Table().Title(Markup.Escape($"sweep {sweep.Name} ({sweep.Id}): {sweep.Status.ToText()}"));
        table.AddColumn("#");
        foreach (var field in sweep.Fields) table.AddColumn(Markup.Escape(field));
        foreach (var column in new[] { "status", "final loss", "twin loss", "delta", "APE mean %", "N", "D", "G", "P" })
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var run in sweep.Runs ?? [])
        {
            var m = run.Metrics;
            var cells = new List<string> { run.Index.ToString(CultureInfo.InvariantCulture) };
            cells.AddRange(sweep.Fields.Select(f => run.Grid.TryGetValue(f, out var v) ? Show(v) : ""));
            cells.AddRange([run.Status.ToText(), F(m.FinalLoss), F(m.TwinLoss), F(m.Delta), F(m.LossApeMeanPct),
                F(m.Parameters), F(m.Tokens), F(m.GroupSize), F(m.Bits)]);
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }

        console.Write(table);
    }

    /// <summary>The sweep as one JSON line (the shape of <c>GET /api/sweeps/{id}</c>).</summary>
    public static void WriteJson(SweepDto sweep, TextWriter stdout) => stdout.WriteLine(JsonSerializer.Serialize(sweep, JsonDefaults.Options));

    private static string Show(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    private static string F(double? value) => value is { } v ? v.ToString("G4", CultureInfo.InvariantCulture) : "-";

    private static string F(long? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "-";
}
