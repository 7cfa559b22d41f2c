namespace QuantScope.Bench.Device;

/// <summary>One (model, variant) row of the device bench.</summary>
/// <param name="Model">Model preset.</param>
/// <param name="Variant">Variant name (<see cref="DeviceBench.Variants"/>).</param>
/// <param name="Steps">Timed steps behind the figures.</param>
/// <param name="MedianMillis">Median step time, ms (on CUDA each step of a window carries the window's mean).</param>
/// <param name="MeanMillis">Mean step time, ms.</param>
/// <param name="TokensPerSecond">Tokens per second at the median step time.</param>
/// <param name="Overhead">Diagnostics rows: step time / the plain FP8 step's (every step: medians; every 10: means, since only one step in ten pays). Null for the others.</param>
/// <param name="Target">The overhead's target on a GPU (1.05 every step, 1.01 every 10 steps), or null.</param>
public sealed record DeviceBenchRow(string Model, string Variant, int Steps, double MedianMillis, double MeanMillis, double TokensPerSecond,
    double? Overhead, double? Target);
