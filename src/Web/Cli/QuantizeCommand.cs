using System.CommandLine;
using System.Globalization;
using QuantScope.Engine.Numerics;

namespace QuantScope.Web.Cli;

/// <summary>
/// <c>quantize --format NAME [--scale S] [--group-size G]</c>: reads one number a line from stdin and prints
/// dequantize(quantize(x · S)) / S, one a line. All input is read and checked before anything is printed.
/// </summary>
public static class QuantizeCommand
{
    /// <summary>Builds the verb bound to the given streams.</summary>
    public static Command Create(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var format = new Option<string>("--format") { Description = "Format name: " + string.Join(", ", NumberFormats.Names) + ", intN-pt, intN-gG.", Required = true };
        var scale = new Option<double>("--scale") { Description = "Multiply by S before quantizing, divide by S after.", DefaultValueFactory = _ => 1.0 };
        var groupSize = new Option<int?>("--group-size") { Description = "INT only: values per shared scale (16..1024)." };
        var command = new Command("quantize", "Quantize-dequantize numbers read from stdin, one a line.") { format, scale, groupSize };
        command.SetAction(parsed => Run(parsed.GetValue(format)!, parsed.GetValue(scale), parsed.GetValue(groupSize), stdin, stdout, stderr));
        return command;
    }

    /// <summary>The verb's work; returns the exit code.</summary>
    public static int Run(string formatName, double scale, int? groupSize, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        if (!TryResolve(formatName, groupSize, out var format, out var error))
        {
            stderr.WriteLine(error);
            return QuantScopeCli.UsageError;
        }

        if (!double.IsFinite(scale) || scale <= 0)
        {
            stderr.WriteLine($"--scale must be a positive finite number, got {scale.ToString("R", CultureInfo.InvariantCulture)}.");
            return QuantScopeCli.UsageError;
        }

        var (values, parseError) = InputParser.ReadAll(stdin);
        if (parseError is not null)
        {
            stderr.WriteLine(parseError);
            return QuantScopeCli.UsageError;
        }

        foreach (var v in ValueQuantizer.QuantizeDequantize(format, values, scale))
            stdout.WriteLine(v.ToString("R", CultureInfo.InvariantCulture)); // NaN, Infinity, -Infinity for non-finite
        return 0;
    }

    /// <summary>Looks the format up; <paramref name="groupSize"/> turns intN into per-group INT.</summary>
    public static bool TryResolve(string name, int? groupSize, out INumberFormat format, out string error)
    {
        error = "";
        if (!NumberFormats.TryGet(name, out var found))
        {
            format = null!;
            error = $"Unknown format '{name}'. Known formats: {string.Join(", ", NumberFormats.Names)} (and intN, intN-pt, intN-gG for N 2..8, G 16..1024).";
            return false;
        }

        format = found;
        if (groupSize is not { } g) return true;
        if (found is not IntFormat intFormat)
        {
            error = $"--group-size applies to INT formats only, not '{found.Name}'.";
            return false;
        }

        if (g is < 16 or > 1024)
        {
            error = $"--group-size must be 16..1024, got {g}.";
            return false;
        }

        format = ValueQuantizer.WithGroupSize(intFormat, g);
        return true;
    }
}
