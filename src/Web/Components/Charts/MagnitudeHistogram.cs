using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// One layer and role's magnitude histogram over the logged steps: the bins present (left to right), their x positions
/// (an exponent bin at k; zero and under just left of the lowest exponent, over just right of the highest) and, per
/// step, each bin's fraction of all elements (NaN where a step lacks the bin).
/// </summary>
/// <param name="Bins">The bins, left to right.</param>
/// <param name="X">Each bin's x position.</param>
/// <param name="Steps">The steps that recorded any bin, ascending.</param>
/// <param name="Fractions">Fractions[step index][bin index].</param>
public sealed record MagnitudeHistogram(IReadOnlyList<MagnitudeBin> Bins, IReadOnlyList<double> X, IReadOnlyList<int> Steps, IReadOnlyList<double[]> Fractions)
{
    /// <summary>The histogram of layer <paramref name="layer"/>, role <paramref name="role"/>; null when it recorded none.</summary>
    /// <param name="points">The run's per-layer points.</param>
    /// <param name="layer">Layer index.</param>
    /// <param name="role">Tensor role.</param>
    /// <param name="range">The format's exponent range, widening the axis so that it is drawn whole; null for none.</param>
    public static MagnitudeHistogram? From(IEnumerable<LayerPoint> points, int layer, string role, FormatExponentRange? range = null)
    {
        var byStep = new SortedDictionary<int, Dictionary<string, float>>();
        var bins = new Dictionary<string, MagnitudeBin>(StringComparer.Ordinal);
        foreach (var p in points)
        {
            if (p.Role != role || layer >= p.Values.Length || !MagnitudeBin.TryParse(p.Metric, out var bin)) continue;
            bins.TryAdd(p.Metric, bin);
            if (!byStep.TryGetValue(p.Step, out var row)) byStep[p.Step] = row = new Dictionary<string, float>(StringComparer.Ordinal);
            row[p.Metric] = p.Values[layer];
        }

        if (bins.Count == 0) return null;
        var ordered = bins.Values.OrderBy(b => b.Rank).ToArray();
        var exponents = ordered.Where(b => b.Exponent is not null).Select(b => b.Exponent!.Value)
            .Concat(range is { } r ? [r.MinExponent, r.MaxExponent] : []).DefaultIfEmpty(0).ToArray();
        var (low, high) = (exponents.Min(), exponents.Max());
        double XOf(MagnitudeBin b) => b.Exponent ?? b.Metric switch
        {
            Engine.Numerics.MagnitudeBins.Zero => low - 2,
            Engine.Numerics.MagnitudeBins.Under => low - 1,
            _ => high + 1,
        };

        var fractions = byStep.Values.Select(row => ordered.Select(b => row.TryGetValue(b.Metric, out var v) ? (double)v : double.NaN).ToArray()).ToArray();
        return new MagnitudeHistogram(ordered, ordered.Select(XOf).ToArray(), byStep.Keys.ToArray(), fractions);
    }

    /// <summary>The index of the logged step nearest <paramref name="step"/> (the latest when null).</summary>
    public int IndexOf(int? step) => step is not { } s ? Steps.Count - 1
        : Enumerable.Range(0, Steps.Count).MinBy(i => (Math.Abs(Steps[i] - s), -Steps[i]));

    /// <summary>At most <paramref name="count"/> steps evenly spread from the first to the last (the ridge chart's rows).</summary>
    public IReadOnlyList<int> Spread(int count)
    {
        if (Steps.Count <= count) return Enumerable.Range(0, Steps.Count).ToArray();
        return Enumerable.Range(0, count).Select(i => (int)Math.Round(i * (Steps.Count - 1) / (double)(count - 1))).Distinct().ToArray();
    }
}
