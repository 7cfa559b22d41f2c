using System.Runtime.InteropServices;
using System.Text.Json;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// Numeric data arrays of a plot (x, y, z of its traces) packed into one little-endian byte buffer plus a small JSON
/// header, for wwwroot/js/plot.js. Blazor Server sends a byte[] interop argument as one binary blob, so a 100 × 2,000
/// heatmap travels as 800 KB of float32 instead of a few MB of JSON numbers built from boxed values; the page reads it
/// as typed arrays without parsing. NaN (not measured) stays NaN: plotly.js draws it as a gap.
/// </summary>
public sealed class PlotColumns
{
    // Every column starts at a multiple of 8 bytes: the page views the buffer as Float64Array/Float32Array in place.
    private const int Alignment = 8;

    private readonly List<Column> _columns = [];
    private readonly MemoryStream _bytes = new();

    /// <summary>True when no column was added.</summary>
    public bool IsEmpty => _columns.Count == 0;

    /// <summary>Bytes packed so far.</summary>
    public long ByteCount => _bytes.Length;

    /// <summary>A float64 column (steps, tokens, values that need double precision).</summary>
    public PlotColumns Add(int trace, string field, ReadOnlySpan<double> values) =>
        Append(trace, field, "f64", values.Length, 0, MemoryMarshal.AsBytes(values));

    /// <summary>A float32 column.</summary>
    public PlotColumns Add(int trace, string field, ReadOnlySpan<float> values) =>
        Append(trace, field, "f32", values.Length, 0, MemoryMarshal.AsBytes(values));

    /// <summary>
    /// A float32 matrix as rows of <paramref name="width"/> values (a heatmap's z, one row per step): a shorter row
    /// is padded with NaN (a layer not measured), a longer one cut.
    /// </summary>
    public PlotColumns AddRows(int trace, string field, IEnumerable<float[]> rows, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        var start = Pad();
        var padded = new float[width];
        var count = 0;
        foreach (var row in rows)
        {
            var take = Math.Min(width, row.Length);
            row.AsSpan(0, take).CopyTo(padded);
            padded.AsSpan(take).Fill(float.NaN);
            _bytes.Write(MemoryMarshal.AsBytes(padded.AsSpan()));
            count++;
        }
        _columns.Add(new Column(trace, field, "f32", count * width, width, start));
        return this;
    }

    /// <summary>The header: one entry per column (trace, field, type, offset in bytes, length, row width or 0).</summary>
    public string Header() => JsonSerializer.Serialize(_columns.Select(c => new
    {
        trace = c.Trace, field = c.Field, type = c.Type, offset = c.Offset, length = c.Length, width = c.Width,
    }));

    /// <summary>The packed values.</summary>
    public byte[] ToBytes() => _bytes.ToArray();

    private PlotColumns Append(int trace, string field, string type, int length, int width, ReadOnlySpan<byte> data)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trace);
        ArgumentException.ThrowIfNullOrEmpty(field);
        var start = Pad();
        _bytes.Write(data);
        _columns.Add(new Column(trace, field, type, length, width, start));
        return this;
    }

    private long Pad()
    {
        while (_bytes.Length % Alignment != 0) _bytes.WriteByte(0);
        return _bytes.Length;
    }

    private sealed record Column(int Trace, string Field, string Type, int Length, int Width, long Offset);
}
