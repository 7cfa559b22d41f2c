using QuantScope.Data.Runs;

namespace QuantScope.Data.Series;

/// <summary>
/// One row of <c>layer_points</c>: a per-layer series (<see cref="SeriesEntity"/> of kind <see cref="SeriesKinds.Layer"/>)
/// at one step, as a float32 little-endian array over the run's layers (<see cref="RunEntity.LayersJson"/> order), so a
/// heatmap is one range scan of the key (series_id, step). Written by <see cref="MetricSeriesWriter"/> and read by
/// <see cref="MetricSeriesRepository"/> in raw SQL.
/// </summary>
public sealed class LayerPointEntity
{
    public long SeriesId { get; set; }

    public int Step { get; set; }

    /// <summary>4 bytes per layer, float32 little-endian; NaN and ±Infinity kept bit for bit.</summary>
    public byte[] Values { get; set; } = [];
}
