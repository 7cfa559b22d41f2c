using CsvHelper;

namespace QuantScope.Data.Import.Logs;

/// <summary>
/// Reads a CSV log: a header row with a step column (<c>step</c>, <c>iteration</c>, <c>iter</c> or <c>global_step</c>),
/// optional <c>layer</c> and <c>role</c> columns, and metric columns. Rows with a layer hold that layer's values of the
/// metric columns; rows without one hold scalars. The separator (, ; tab |) is detected. A row whose step does not
/// parse, or whose field count differs from the header, is skipped; a metric cell that is not a number is skipped
/// alone; empty cells mean no value.
/// </summary>
public static class CsvLogImporter
{
    /// <summary>Reads <paramref name="stream"/> into <paramref name="into"/>.</summary>
    /// <exception cref="InvalidDataException">There is no header or no step column.</exception>
    public static void Read(Stream stream, ImportedSeries into, CancellationToken ct)
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
        var stepColumn = Array.FindIndex(headers, ImportNumbers.IsStepName);
        if (stepColumn < 0)
        {
            throw new InvalidDataException(
                $"The CSV header has no step column ({string.Join(", ", ImportNumbers.StepNames)}); it has: {string.Join(", ", headers)}.");
        }
        var layerColumn = Array.FindIndex(headers, h => h.Equals("layer", StringComparison.OrdinalIgnoreCase));
        var roleColumn = Array.FindIndex(headers, h => h.Equals("role", StringComparison.OrdinalIgnoreCase));

        while (reader.Read())
        {
            ct.ThrowIfCancellationRequested();
            var where = $"line {reader.LineNumber}";
            var stepText = reader.GetString(stepColumn) ?? "";
            if (!ImportNumbers.TryParseStep(stepText, out var step))
            {
                into.Skip(where, $"step '{stepText}' is not a whole number 0..{int.MaxValue}");
                continue;
            }

            var layer = layerColumn >= 0 ? reader.GetString(layerColumn)?.Trim() : null;
            var role = ImportRoles.Normalize(roleColumn >= 0 ? reader.GetString(roleColumn) : null);
            for (var i = 0; i < headers.Length && i < reader.FieldCount; i++)
            {
                if (i == stepColumn || i == layerColumn || i == roleColumn || headers[i].Length == 0) continue;
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

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.FieldCountMismatch => "the row's field count differs from the header",
        CsvMalformedReason.UnterminatedQuote => "a quoted field is never closed",
        CsvMalformedReason.LineBreakInQuotes => "a line break inside quotes",
        _ => $"malformed row ({reason})",
    };
}
