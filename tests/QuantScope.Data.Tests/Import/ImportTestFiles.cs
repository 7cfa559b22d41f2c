using System.Text;
using QuantScope.Data.Import;

namespace QuantScope.Data.Tests.Import;

/// <summary>Helpers of the import tests: run an importer on text or bytes and flatten what it read.</summary>
internal static class ImportTestFiles
{
    public static ImportedSeries Read(Action<Stream, ImportedSeries, CancellationToken> importer, string text) =>
        Read(importer, Encoding.UTF8.GetBytes(text));

    public static ImportedSeries Read(Action<Stream, ImportedSeries, CancellationToken> importer, byte[] bytes)
    {
        var series = new ImportedSeries();
        using var stream = new MemoryStream(bytes);
        importer(stream, series, CancellationToken.None);
        return series;
    }

    public static ScalarPoint[] Scalars(ImportedSeries series) =>
        series.ToBatches(Guid.Empty, int.MaxValue).SelectMany(b => b.Scalars).ToArray();

    public static LayerPoint[] LayerPoints(ImportedSeries series) =>
        series.ToBatches(Guid.Empty, int.MaxValue).SelectMany(b => b.LayerPoints).ToArray();

    /// <summary>The scalars as (step, metric, value) tuples, in the series' order (step, then metric).</summary>
    public static (int, string, float)[] ScalarTuples(ImportedSeries series) =>
        Scalars(series).Select(p => (p.Step, p.Metric, p.Value)).ToArray();
}
