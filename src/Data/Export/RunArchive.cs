using System.IO.Compression;
using System.Text;
using QuantScope.Data.Runs;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Data.Export;

/// <summary>
/// A whole run as a zip: <c>config.json</c>, <c>plan.json</c> (the effective plan), <c>summary.json</c> when the run
/// has one, <c>scalars.csv</c> (<c>step,metric,value</c>) and <c>layers.csv</c> (<c>step,metric,role,layer,value</c>,
/// one row per measured value: NaN cells are skipped).
/// </summary>
public static class RunArchive
{
    /// <summary>Names of the entries, in the order they are written.</summary>
    public const string Config = "config.json", Plan = "plan.json", Summary = "summary.json", Scalars = "scalars.csv", LayerValues = "layers.csv";

    /// <summary>The zip bytes.</summary>
    public static byte[] Write(RunEntity run, IReadOnlyList<ScalarPoint> scalars, IReadOnlyList<LayerPoint> layerPoints)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, Config, string.IsNullOrEmpty(run.ConfigJson) ? "{}" : run.ConfigJson);
            Add(zip, Plan, string.IsNullOrEmpty(run.PlanJson) ? "{}" : run.PlanJson);
            if (!string.IsNullOrEmpty(run.SummaryJson)) Add(zip, Summary, run.SummaryJson);
            Add(zip, Scalars, ScalarsCsv(scalars));
            Add(zip, LayerValues, LayersCsv(run.GetLayers(), layerPoints));
        }
        return stream.ToArray();
    }

    private static string ScalarsCsv(IReadOnlyList<ScalarPoint> scalars)
    {
        var text = new StringBuilder("step,metric,value\n");
        foreach (var p in scalars)
        {
            text.Append(CsvText.Number(p.Step)).Append(',').Append(CsvText.Cell(p.Metric)).Append(',')
                .Append(CsvText.Number(p.Value)).Append('\n');
        }
        return text.ToString();
    }

    private static string LayersCsv(IReadOnlyList<string> layers, IReadOnlyList<LayerPoint> points)
    {
        var text = new StringBuilder("step,metric,role,layer,value\n");
        foreach (var p in points)
        {
            var prefix = $"{CsvText.Number(p.Step)},{CsvText.Cell(p.Metric)},{CsvText.Cell(p.Role)},";
            for (var i = 0; i < p.Values.Length; i++)
            {
                if (float.IsNaN(p.Values[i])) continue;
                var layer = i < layers.Count ? layers[i] : CsvText.Number(i); // a layer the run did not list: its index
                text.Append(prefix).Append(CsvText.Cell(layer)).Append(',').Append(CsvText.Number(p.Values[i])).Append('\n');
            }
        }
        return text.ToString();
    }

    private static void Add(ZipArchive zip, string name, string content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(false));
        writer.Write(content);
    }
}
