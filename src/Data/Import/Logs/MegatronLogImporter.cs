using System.Text.RegularExpressions;

namespace QuantScope.Data.Import.Logs;

/// <summary>
/// Reads Megatron-LM console logs (and NeMo 2's progress lines, <c>Training epoch 0, iteration 120/499999 | lr: ... |
/// reduced_train_loss: ...</c>): a line <c>iteration N/ M | name: value | name: value | ...</c> (log prefixes such as
/// <c>[2024-05-01 10:00:00]</c> are fine) gives each <c>name: value</c> part at step N, named as written (<c>lm loss</c>, <c>grad norm</c>,
/// <c>learning rate</c>, <c>elapsed time per iteration (ms)</c>). A line <c>validation loss at iteration N | X value:
/// V | X PPL: W |</c> gives <c>validation/X</c> and <c>validation/X PPL</c>. Values are read loosely
/// (<see cref="ImportNumbers.TryParseLoose"/>); parts that are not numbers are left out, other lines ignored.
/// </summary>
public static partial class MegatronLogImporter
{
    /// <summary>The prefix of the metrics of validation lines.</summary>
    public const string ValidationPrefix = "validation/";

    /// <summary>Reads <paramref name="stream"/> into <paramref name="into"/>.</summary>
    public static void Read(Stream stream, ImportedSeries into, CancellationToken ct)
    {
        foreach (var (number, line) in LogLines.Read(stream, ct))
        {
            if (!line.Contains('|', StringComparison.Ordinal) || !line.Contains("iteration", StringComparison.Ordinal)) continue; // cheap
            var match = TrainRegex().Match(line);
            var validation = false;
            if (!match.Success)
            {
                match = ValidationRegex().Match(line);
                if (!match.Success) continue;
                validation = true;
            }
            if (!ImportNumbers.TryParseStep(match.Groups["step"].Value, out var step))
            {
                into.Skip($"line {number}", $"iteration '{match.Groups["step"].Value}' is not a whole number 0..{int.MaxValue}");
                continue;
            }
            foreach (var part in line[(match.Index + match.Length)..].Split('|'))
                AddPart(part, step, validation, into);
        }
    }

    /// <summary>How sure the sniffer may be that <paramref name="lines"/> are a Megatron log: 0.95 with an iteration line, else 0.</summary>
    public static double Confidence(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return lines.Any(l => TrainRegex().IsMatch(l) || ValidationRegex().IsMatch(l)) ? 0.95 : 0;
    }

    private static void AddPart(string part, int step, bool validation, ImportedSeries into)
    {
        var colon = part.LastIndexOf(':');
        if (colon <= 0) return;
        var name = WhitespaceRegex().Replace(part[..colon].Trim(), " ");
        if (name.Length == 0 || !ImportNumbers.TryParseLoose(part[(colon + 1)..], out var value)) return;
        if (validation)
        {
            // Megatron names validation losses "lm loss value" next to "lm loss PPL": the suffix says nothing.
            if (name.EndsWith(" value", StringComparison.Ordinal)) name = name[..^" value".Length];
            name = ValidationPrefix + name;
        }
        into.AddScalar(step, name, value);
    }

    // "iteration      120/  500000 |": the step, its total, and the first separator.
    [GeneratedRegex(@"(?<![\w-])iteration\s+(?<step>\d+)\s*/\s*\d+\s*\|")]
    private static partial Regex TrainRegex();

    [GeneratedRegex(@"validation loss at iteration\s+(?<step>\d+)\s*\|")]
    private static partial Regex ValidationRegex();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRegex();
}
