using System.CommandLine;
using System.Text.Json;
using QuantScope.Engine.Analysis.Laws;
using QuantScope.Web.Api;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Cli;

/// <summary>
/// <c>law evaluate --law NAME --N .. --D .. [--G ..] [--P ..] [--json]</c> and
/// <c>law fit --law NAME --points FILE [--json]</c>: the scaling laws of <c>/api/laws</c> on the command line, with the
/// same numbers and, under <c>--json</c>, the same JSON.
/// </summary>
public static class LawCommand
{
    /// <summary>Builds the verb and its two subcommands bound to the given streams.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("law", $"Scaling laws of the quantization loss gap: {string.Join(", ", ScalingLaws.Names)}.")
        {
            CreateEvaluate(stdout, stderr),
            CreateFit(stdout, stderr),
        };
        return command;
    }

    private static Option<string> LawOption() =>
        new("--law") { Description = "Law name: " + string.Join(", ", ScalingLaws.Names) + ".", Required = true };

    private static Option<bool> JsonOption(string shape) => new("--json") { Description = $"Print {shape} on one line (the API's JSON)." };

    private static Command CreateEvaluate(TextWriter stdout, TextWriter stderr)
    {
        var law = LawOption();
        var n = new Option<double?>("--N", "--n") { Description = "Model parameters (> 0).", Required = true };
        var d = new Option<double?>("--D", "--d") { Description = "Training tokens (> 0).", Required = true };
        var g = new Option<double?>("--G", "--g") { Description = "Group size (>= 2), for chen2025-* laws." };
        var p = new Option<double?>("--P", "--p") { Description = "Post-training bits (> 0), for kumar2024-ptq." };
        var json = JsonOption("{\"law\", \"delta\"}");
        var command = new Command("evaluate", "Predicted loss gap delta (nats/token) of a law at N, D and G or P.") { law, n, d, g, p, json };
        command.SetAction(parsed => Evaluate(parsed.GetValue(law)!, new LawEvaluateRequestDto(parsed.GetValue(n), parsed.GetValue(d), parsed.GetValue(g), parsed.GetValue(p)),
            parsed.GetValue(json), stdout, stderr));
        return command;
    }

    private static Command CreateFit(TextWriter stdout, TextWriter stderr)
    {
        var law = LawOption();
        var points = new Option<string>("--points") { Description = "CSV with header N,D,G,P,delta, or a JSON array of {N, D, G, P, delta}.", Required = true };
        var json = JsonOption("the fit (constants, intervals, residuals, published constants)");
        var command = new Command("fit", "Fit the law's family to observed points (log-space least squares) and compare with the published constants.") { law, points, json };
        command.SetAction(parsed => Fit(parsed.GetValue(law)!, parsed.GetValue(points)!, parsed.GetValue(json), stdout, stderr));
        return command;
    }

    /// <summary>The <c>evaluate</c> subcommand's work; returns the exit code (0, or 2 for an unknown law or bad input).</summary>
    public static int Evaluate(string name, LawEvaluateRequestDto request, bool json, TextWriter stdout, TextWriter stderr)
    {
        if (!TryFind(name, stderr, out var law)) return QuantScopeCli.UsageError;
        double delta;
        LawInput input;
        try
        {
            input = LawMapping.ToInput(request);
            delta = law.Evaluate(input);
        }
        catch (LawInputException ex)
        {
            return Fail(stderr, $"--{ex.Field}: {ex.Problem}");
        }

        if (json) stdout.WriteLine(JsonSerializer.Serialize(new LawEvaluateResultDto(law.Name, delta), JsonDefaults.Options));
        else LawTables.WriteEvaluation(LawMapping.ToDto(law), input.N, input.D, input.G, input.P, delta, stdout);
        return 0;
    }

    /// <summary>The <c>fit</c> subcommand's work; returns the exit code (0, or 2 for an unknown law, an unreadable file or bad points).</summary>
    public static int Fit(string name, string pointsPath, bool json, TextWriter stdout, TextWriter stderr)
    {
        if (!TryFind(name, stderr, out var law)) return QuantScopeCli.UsageError;
        var (points, error) = LawPointsFile.Read(pointsPath);
        if (error is not null) return Fail(stderr, error);

        LawFitResultDto fit;
        try
        {
            fit = LawMapping.ToDto(ScalingLawFitter.Fit(law.Family, LawMapping.ToPoints(points)), law);
        }
        catch (LawInputException ex)
        {
            // Point indices are 0-based in file order (the data rows of a CSV, the elements of a JSON array).
            return Fail(stderr, $"--points: {ex.Message}");
        }

        if (json) stdout.WriteLine(JsonSerializer.Serialize(fit, JsonDefaults.Options));
        else LawTables.WriteFit(fit, stdout);
        return 0;
    }

    private static bool TryFind(string name, TextWriter stderr, out ScalingLaw law)
    {
        if (ScalingLaws.TryGet(name, out law)) return true;
        stderr.WriteLine($"--law: unknown law '{name}'. Known: {string.Join(", ", ScalingLaws.Names)}.");
        return false;
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine(message);
        return QuantScopeCli.UsageError;
    }
}
