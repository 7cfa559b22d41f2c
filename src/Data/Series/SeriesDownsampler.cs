namespace QuantScope.Data.Series;

/// <summary>
/// Min/max downsampling for long series: the steps are cut into equal buckets and each bucket keeps its smallest and
/// largest point (in step order), so spikes survive — what a chart of 10,000 steps on 500 pixels needs.
/// </summary>
public static class SeriesDownsampler
{
    /// <summary>At most <paramref name="maxPoints"/> points (≥ 2) of <paramref name="points"/> (ordered by step); unchanged when short enough.</summary>
    public static IReadOnlyList<SeriesPoint> MinMax(IReadOnlyList<SeriesPoint> points, int maxPoints)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 2);
        if (points.Count <= maxPoints) return points;
        var buckets = maxPoints / 2;
        var result = new List<SeriesPoint>(buckets * 2);
        for (var b = 0; b < buckets; b++)
        {
            var start = (int)((long)b * points.Count / buckets);
            var end = (int)((long)(b + 1) * points.Count / buckets);
            SeriesPoint? min = null, max = null;
            for (var i = start; i < end; i++)
            {
                var p = points[i];
                if (float.IsNaN(p.Value)) continue;
                if (min is null || p.Value < min.Value) min = p;
                if (max is null || p.Value > max.Value) max = p;
            }

            if (min is null || max is null) continue;
            if (min.Step == max.Step) result.Add(min);
            else if (min.Step < max.Step) result.AddRange([min, max]);
            else result.AddRange([max, min]);
        }

        return result;
    }
}
