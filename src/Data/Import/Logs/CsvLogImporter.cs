using CsvHelper;

namespace QuantScope.Data.Import.Logs;

/// <summary>
/// Reads a CSV log: a header row (names trimmed: YOLOv5 pads them with spaces), a step column (the most preferred of
/// <see cref="ImportNumbers.StepNames"/>, or the one named by the caller), optional <c>layer</c> and <c>role</c>
/// columns, and metric columns. Rows with a layer hold that layer's values of the metric columns; rows without one
/// hold scalars. The separator (, ; tab |) is detected. Without a step column the data row number (first row = 1) is
/// the step, with a note. A row whose step does not parse, or whose field count differs from the header, is skipped;
/// a metric cell that is not a number is skipped alone; empty cells mean no value.
/// </summary>
public static class CsvLogImporter
{
    private static readonly char[] Separators = [',', ';', '\t', '|'];

    /// <summary>Reads <paramref name="stream"/> into <paramref name="into"/>, finding the step column by name.</summary>
    /// <exception cref="InvalidDataException">There is no header.</exception>
    public static void Read(Stream stream, ImportedSeries into, CancellationToken ct) => Read(stream, into, null, ct);

    /// <summary>Reads <paramref name="stream"/> into <paramref name="into"/>; <paramref name="stepColumn"/> names the step column (null: find it).</summary>
    /// <exception cref="InvalidDataException">There is no header, or <paramref name="stepColumn"/> is not one of its columns.</exception>
    public static void Read(Stream stream, ImportedSeries into, string? stepColumn, CancellationToken ct)
    {
        var options = CsvReaderOptions.Default with
        {
            HasHeader = true,
            TrackLineNumbers = true,
            AllowLineBreaksInQuotes = false, // one bad quote must not swallow the rest of the file
            FieldCountMismatch = CsvFieldCountHandling.Skip,
            MalformedData = CsvMalformedDataHandling.Skip,
            OnMalformedRecord = record => into.Skip($"line {record.LineNumber}", Describe(record.Reason)),
        };
        using var reader = CsvReader.Create(stream, options, leaveOpen: true);
        reader.ReadHeader();
        var headers = reader.Headers?.Select(h => h.Trim()).ToArray() ?? [];
        if (headers.Length == 0) throw new InvalidDataException("The CSV file has no header row.");
        var stepIndex = ImportNumbers.FindStep(headers, stepColumn);
        if (stepIndex < 0 && !string.IsNullOrWhiteSpace(stepColumn))
        {
            throw new InvalidDataException(
                $"Step column '{stepColumn.Trim()}' is not in the CSV header; it has: {string.Join(", ", headers)}.");
        }
        if (stepIndex < 0)
        {
            into.Note($"no step column ({string.Join(", ", ImportNumbers.StepNames)}): the data row number (first row = 1) is the step");
        }
        var layerColumn = Array.FindIndex(headers, h => h.Equals("layer", StringComparison.OrdinalIgnoreCase));
        var roleColumn = Array.FindIndex(headers, h => h.Equals("role", StringComparison.OrdinalIgnoreCase));

        var row = 0;
        while (reader.Read())
        {
            ct.ThrowIfCancellationRequested();
            var where = $"line {reader.LineNumber}";
            row++;
            int step;
            if (stepIndex < 0) step = row;
            else if (!ImportNumbers.TryParseStep(reader.GetString(stepIndex) ?? "", out step))
            {
                into.Skip(where, $"step '{reader.GetString(stepIndex)}' is not a whole number 0..{int.MaxValue}");
                continue;
            }

            var layer = layerColumn >= 0 ? reader.GetString(layerColumn)?.Trim() : null;
            var role = ImportRoles.Normalize(roleColumn >= 0 ? reader.GetString(roleColumn) : null);
            for (var i = 0; i < headers.Length && i < reader.FieldCount; i++)
            {
                if (i == stepIndex || i == layerColumn || i == roleColumn || headers[i].Length == 0) continue;
                var text = reader.GetString(i) ?? "";
                if (text.Trim().Length == 0) continue;
                if (!ImportNumbers.TryParseValue(text, out var value))
                {
                    into.Skip(where, $"column '{headers[i]}': '{text}' is not a number");
                    continue;
                }
                if (string.IsNullOrEmpty(layer)) into.AddScalar(step, headers[i], value);
                else into.AddLayer(step, headers[i], role, layer, value);
            }
        }
    }

    /// <summary>
    /// How sure the sniffer may be that <paramref name="lines"/> are a CSV log: the first non-blank line must split
    /// (on the first of , ; tab | it holds) into two or more names. 0.9 when one of them is a step name; 0.6 when
    /// none is but the next lines (up to 20) all have as many fields and each holds a number (a step-less log); else 0.
    /// </summary>
    public static double Confidence(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var rows = lines.Select(l => l.TrimStart('\uFEFF')).Where(l => l.Trim().Length > 0).Take(21).ToArray();
        if (rows.Length == 0) return 0;
        var separator = Separators.FirstOrDefault(s => rows[0].Contains(s, StringComparison.Ordinal));
        if (separator == default) return 0;
        var header = rows[0].Split(separator).Select(c => c.Trim().Trim('"').Trim()).ToArray();
        if (header.Length < 2 || header.All(c => c.Length == 0)) return 0;
        if (header.Any(ImportNumbers.IsStepName)) return 0.9;
        if (rows.Length < 2 || header.Any(c => ImportNumbers.TryParseValue(c, out _))) return 0;
        var fits = rows.Skip(1).All(row =>
        {
            var cells = row.Split(separator);
            return cells.Length == header.Length && cells.Any(c => ImportNumbers.TryParseValue(c.Trim().Trim('"'), out _));
        });
        return fits ? 0.6 : 0;
    }

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.FieldCountMismatch => "the row's field count differs from the header",
        CsvMalformedReason.UnterminatedQuote => "a quoted field is never closed",
        CsvMalformedReason.LineBreakInQuotes => "a line break inside quotes",
        _ => $"malformed row ({reason})",
    };
}
