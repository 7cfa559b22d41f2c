using System.Text;
using Parquet;
using Parquet.Schema;
using QuantScope.Data.Series;

namespace QuantScope.Data.Export;

/// <summary>One series (a scalar metric, or one layer of a per-layer metric) as CSV or Apache Parquet.</summary>
public static class SeriesFiles
{
    /// <summary>The Parquet step column (int32).</summary>
    public static readonly DataField<int> StepField = new("step");

    /// <summary>The Parquet value column (float32; NaN kept as NaN).</summary>
    public static readonly DataField<float> ValueField = new("value");

    /// <summary>CSV with header <c>step,value</c>, values in round-trip form (a stored NaN as <c>NaN</c>).</summary>
    public static byte[] Csv(IReadOnlyList<SeriesPoint> points)
    {
        var text = new StringBuilder("step,value\n");
        foreach (var p in points)
            text.Append(CsvText.Number(p.Step)).Append(',').Append(CsvText.Number(p.Value)).Append('\n');
        return new UTF8Encoding(false).GetBytes(text.ToString());
    }

    /// <summary>A Parquet file of one row group with the columns <c>step</c> (int32) and <c>value</c> (float).</summary>
    public static async Task<byte[]> ParquetAsync(IReadOnlyList<SeriesPoint> points, CancellationToken ct)
    {
        var steps = points.Select(p => p.Step).ToArray();
        var values = points.Select(p => p.Value).ToArray();
        using var stream = new MemoryStream(); // the writer needs a seekable stream
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(StepField, ValueField), stream, cancellationToken: ct))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<int>(StepField, steps, cancellationToken: ct);
            await group.WriteAsync<float>(ValueField, values, cancellationToken: ct);
        }
        return stream.ToArray();
    }
}
