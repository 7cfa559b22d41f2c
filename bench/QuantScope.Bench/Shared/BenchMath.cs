using QuantScope.Engine.Telemetry;

namespace QuantScope.Bench.Shared;

/// <summary>Pure statistics for the <c>bench</c> verb (no tensors, so unit-testable without torch).</summary>
public static class BenchMath
{
    /// <summary>Median; the mean of the two middle values for an even count.</summary>
    /// <exception cref="ArgumentException">Empty input.</exception>
    public static double Median(IReadOnlyList<double> samples)
    {
        if (samples.Count == 0) throw new ArgumentException("No samples.", nameof(samples));
        var sorted = samples.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>
    /// median(variant) / median(baseline). Medians of interleaved repetitions, so a busy neighbour slowing a few
    /// repetitions moves neither side much.
    /// </summary>
    public static double Ratio(IReadOnlyList<double> variant, IReadOnlyList<double> baseline) =>
        Median(variant) / Median(baseline);

    /// <summary>The <c>step_ms</c> values from a trainer's batches, in step order, skipping steps below <paramref name="firstStep"/> (warm-up).</summary>
    public static List<double> StepMillis(IEnumerable<MetricBatch> batches, int firstStep = 1) =>
        batches.SelectMany(b => b.Scalars)
            .Where(s => s.Metric == MetricCatalog.StepMillis && s.Step >= firstStep)
            .OrderBy(s => s.Step)
            .Select(s => (double)s.Value)
            .ToList();
}
