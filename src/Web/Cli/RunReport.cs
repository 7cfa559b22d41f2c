using System.Globalization;
using System.Text.Json;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Setup;
using Spectre.Console;

namespace QuantScope.Web.Cli;

/// <summary>Prints a <see cref="RunSummary"/>: one JSON line (the API's dialect) or short Spectre tables for people.</summary>
public static class RunReport
{
    /// <summary>The summary as one line of camelCase JSON; fields that do not apply are null.</summary>
    public static void WriteJson(RunSummary summary, TextWriter stdout) =>
        stdout.WriteLine(JsonSerializer.Serialize(summary, JsonDefaults.Options));

    /// <summary>The summary as a two-column table, then the tasks (if any) as a table of their own.</summary>
    public static void WriteTable(RunSummary summary, TextWriter stdout)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
        var table = new Table().AddColumn("run").AddColumn(summary.RunId.ToString());
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));

        Row("status", summary.Status.ToText());
        Row("steps", summary.Steps.ToString(CultureInfo.InvariantCulture));
        Row("final loss (nats/token)", Number(summary.FinalLoss));
        if (summary.Baseline is { } b) Row("baseline final loss", Number(b.FinalLoss));
        if (summary.LossApe is { } ape) Row("loss APE mean / last (%)", $"{Number(ape.MeanPct, "F2")} / {Number(ape.LastPct, "F2")}");
        if (summary.Saturation is { } s)
        {
            Row("overflow step rate", Number(s.StepRate));
            Row("overflow fraction max / mean", $"{Number(s.OverflowFractionMax, "G4")} / {Number(s.OverflowFractionMean, "G4")}");
            Row("worst layer", s.WorstLayer ?? "-");
        }

        if (summary.Forgetting is { } f)
        {
            Row("held-out loss start -> end", $"{Number(f.HeldOutLossStart)} -> {Number(f.HeldOutLossEnd)}{Twin(f.BaselineHeldOutLossEnd)}");
            Row("probe accuracy start -> end", $"{Number(f.ProbeAccuracyStart)} -> {Number(f.ProbeAccuracyEnd)}{Twin(f.BaselineProbeAccuracyEnd)}");
        }

        console.Write(table);
        if (summary.Tasks.Count == 0) return;

        var tasks = new Table().AddColumn("task");
        foreach (var column in new[] { "acc", "acc_norm", "baseline acc", "drop (%)", "± SE (%)", "items", "lost / gained" }) tasks.AddColumn(new TableColumn(column).RightAligned());
        foreach (var t in summary.Tasks)
        {
            var flips = t.TwinOnly is { } lost && t.RunOnly is { } gained ? $"{lost} / {gained}" : "-";
            tasks.AddRow(Markup.Escape(t.Name), Number(t.Acc), Number(t.AccNorm), Number(t.BaselineAcc), Number(t.RelativeDropPct, "F1"),
                Number(t.RelativeDropStdErrPct, "F1"), t.Items?.ToString(CultureInfo.InvariantCulture) ?? "-", flips);
        }
        console.Write(tasks);
    }

    private static string Twin(double? value) => value is null ? "" : $" (baseline {Number(value)})";

    private static string Number(double? value, string format = "F4") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
