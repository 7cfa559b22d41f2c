using System.Text.Json;
using QuantScope.Web.Api;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Cli;

/// <summary>
/// Reads the points of <c>law fit --points FILE</c>: a JSON array of <c>{N, D, G, P, delta}</c> (or an object with a
/// <c>points</c> array, the API's body), or CSV with a header naming the columns N, D, G, P, delta (any order,
/// case-insensitive; G or P may be left out or empty when the law does not use it).
/// </summary>
public static class LawPointsFile
{
    private static readonly string[] Columns = ["N", "D", "G", "P", "delta"];

    /// <summary>The points in file order, or an error naming the line or JSON path.</summary>
    public static (List<LawPointDto>? Points, string? Error) Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (null, $"--points: cannot read '{path}': {ex.Message}");
        }

        var first = text.TrimStart();
        return first.StartsWith('[') || first.StartsWith('{') ? ParseJson(text) : ParseCsv(text);
    }

    /// <summary>A JSON array of points, or <c>{"points": [...]}</c>.</summary>
    public static (List<LawPointDto>? Points, string? Error) ParseJson(string text)
    {
        try
        {
            var points = text.TrimStart().StartsWith('[')
                ? JsonSerializer.Deserialize<List<LawPointDto>>(text, JsonDefaults.Options)
                : JsonSerializer.Deserialize<LawFitRequestDto>(text, JsonDefaults.Options)?.Points?.ToList();
            return points is null ? (null, "--points: the JSON holds no points") : (points, null);
        }
        catch (JsonException ex)
        {
            return (null, $"--points: invalid JSON at {ex.Path ?? "$"} (line {ex.LineNumber + 1}): expected an array of {{N, D, G, P, delta}} numbers");
        }
    }

    /// <summary>CSV with a header line; blank lines are skipped.</summary>
    public static (List<LawPointDto>? Points, string? Error) ParseCsv(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var headerLine = Array.FindIndex(lines, l => !string.IsNullOrWhiteSpace(l));
        if (headerLine < 0) return (null, "--points: the file is empty");
        var header = lines[headerLine].Split(',').Select(h => h.Trim()).ToArray();
        var index = Columns.ToDictionary(c => c, c => Array.FindIndex(header, h => string.Equals(h, c, StringComparison.OrdinalIgnoreCase)));
        foreach (var required in new[] { "N", "D", "delta" })
        {
            if (index[required] < 0) return (null, $"--points: line {headerLine + 1}: the CSV header must name the columns N, D, delta (and G or P), got '{lines[headerLine].Trim()}'");
        }

        var points = new List<LawPointDto>();
        for (var i = headerLine + 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var cells = lines[i].Split(',');
            var values = new Dictionary<string, double?>();
            foreach (var column in Columns)
            {
                var at = index[column];
                var cell = at >= 0 && at < cells.Length ? cells[at].Trim() : "";
                if (cell.Length == 0) { values[column] = null; continue; }
                if (!InputParser.TryParse(cell, out var v)) return (null, $"--points: line {i + 1}, column {column}: cannot parse '{cell}' as a number");
                values[column] = v;
            }

            points.Add(new LawPointDto(values["N"], values["D"], values["G"], values["P"], values["delta"]));
        }

        return (points, null);
    }
}
