using System.Globalization;
using QuantScope.Engine.Analysis.Ptq;
using Spectre.Console;

namespace QuantScope.Web.Cli;

/// <summary>Spectre tables for the <c>ptq</c> verb: degradation, token curve, sensitivity, outliers, the keep plan.</summary>
public static class PtqTables
{
    /// <summary>Writes every part of the report that is present.</summary>
    public static void Write(PtqReport report, TextWriter stdout)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
        console.Profile.Width = Math.Max(console.Profile.Width, 120); // full layer names: not wrapped when stdout is not a terminal
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PTQ {report.Plan} ({(report.Activations ? "weights + activations" : "weights only")}) of step {report.Checkpoint.Step} ({report.Checkpoint.TokensSeen} tokens), {report.QuantizedLayers.Count} layers quantized"));
        var summary = Table("metric", "unquantized", "quantized", "delta");
        summary.AddRow("held-out loss (nats/token)", N(report.Baseline.Loss), N(report.Quantized.Loss), N(report.LossDelta));
        if (report.Baseline.ProbeAccuracy is { } pb) summary.AddRow("probe accuracy", N(pb), N(report.Quantized.ProbeAccuracy!.Value), N(report.Quantized.ProbeAccuracy.Value - pb));
        foreach (var (b, q) in report.Baseline.Tasks.Zip(report.Quantized.Tasks))
            summary.AddRow(Markup.Escape($"task {b.Name} acc"), N(b.Acc), N(q.Acc), N(q.Acc - b.Acc));
        console.Write(summary);

        if (report.TokenCurve.Count > 0)
        {
            var curve = Table("step", "tokens seen", "unquantized loss", "quantized loss", "delta");
            foreach (var p in report.TokenCurve) curve.AddRow(p.Step.ToString(CultureInfo.InvariantCulture), p.TokensSeen.ToString(CultureInfo.InvariantCulture), N(p.BaselineLoss), N(p.QuantizedLoss), N(p.Delta));
            console.Write(curve);
        }

        if (report.Sensitivity.Count > 0)
        {
            var sensitivity = Table("rank", "layer", "loss alone", "delta");
            foreach (var s in report.Sensitivity) sensitivity.AddRow(s.Rank.ToString(CultureInfo.InvariantCulture), Markup.Escape(s.Layer), N(s.Loss), N(s.Delta));
            console.Write(sensitivity);
        }

        var outliers = Table("layer", "norm gain max/median", "weight kurtosis", "spectral norm", "activation std");
        foreach (var o in report.Outliers)
            outliers.AddRow(Markup.Escape(o.Layer), o.NormGainSpread is { } g ? N(g) : "-", N(o.WeightKurtosis), N(o.SpectralNorm), N(o.ActivationStd));
        console.Write(outliers);
        foreach (var warning in report.Warnings) stdout.WriteLine($"note: {warning}");
        if (report.KeepPlan is { } plan)
        {
            stdout.WriteLine($"plan keeping the {report.Sensitivity.Count(s => plan.Rules!.Any(r => r.Layer == s.Layer && r.Recipe == Engine.Quantization.RecipeKind.Keep))} most sensitive layers in high precision (a run config's \"quant\"):");
            stdout.WriteLine(System.Text.Json.JsonSerializer.Serialize(plan, Setup.JsonDefaults.Options));
        }
    }

    private static Table Table(params string[] columns)
    {
        var table = new Table();
        foreach (var c in columns) table.AddColumn(new TableColumn(c));
        return table;
    }

    private static string N(double value) => value.ToString("G5", CultureInfo.InvariantCulture);
}
