using System.Globalization;
using QuantScope.Web.Api;
using Spectre.Console;

namespace QuantScope.Web.Cli;

/// <summary>Spectre tables for the <c>law</c> verb.</summary>
public static class LawTables
{
    /// <summary>One evaluation: the law, its inputs and delta.</summary>
    public static void WriteEvaluation(LawDto law, double n, double d, double? g, double? p, double delta, TextWriter stdout)
    {
        var table = new Table().AddColumn("law").AddColumn(Markup.Escape(law.Name));
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("formula", law.Formula);
        Row("N (parameters)", Number(n));
        Row("D (tokens)", Number(d));
        if (law.ThirdInput == "G") Row("G (group size)", Number(g!.Value));
        else Row("P (bits)", Number(p!.Value));
        Row("delta (nats/token)", Number(delta));
        Console(stdout).Write(table);
    }

    /// <summary>A fit: constants with intervals next to the published ones, then the fit's quality.</summary>
    public static void WriteFit(LawFitResultDto fit, TextWriter stdout)
    {
        var console = Console(stdout);
        stdout.WriteLine($"{fit.Law}: {fit.Formula}");
        var table = new Table().AddColumn("constant");
        foreach (var column in new[] { "fitted", "std. error", "95 % low", "95 % high", "published" })
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var c in fit.Constants)
            table.AddRow(Markup.Escape(c.Name), Number(c.Value), Number(c.StandardError), Number(c.Lower95), Number(c.Upper95), Number(c.Published));
        console.Write(table);
        var worst = fit.Residuals.Count == 0 ? 0 : fit.Residuals.Max(Math.Abs);
        // Plain writes: Spectre would wrap the line at its default 80 columns when stdout is not a terminal.
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{fit.PointCount} points, R² (ln delta) {fit.RSquared:F4}, residual std. error (ln delta) {fit.ResidualStandardError:G4}, largest |residual| {worst:G4}"));
    }

    private static IAnsiConsole Console(TextWriter stdout) =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
