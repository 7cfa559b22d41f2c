namespace QuantScope.Bench.Diagnostics;

/// <summary>One row of the diagnostics cost table: one model under one stats setting, as measured in this run.</summary>
/// <param name="Model">Model preset name (<c>demo</c>, <c>small</c>).</param>
/// <param name="Variant">Variant name (<see cref="DiagnosticsBench.Variants"/>).</param>
/// <param name="Steps">Timed steps behind the median and mean (warm-up steps excluded).</param>
/// <param name="MedianMillis">Median wall time of one fake-quant (fp8-delayed) optimizer step, ms.</param>
/// <param name="MeanMillis">Mean wall time of one such step, ms.</param>
/// <param name="Ratio">This row's step time / the same model's step time without stats: medians, or means when
/// <paramref name="RatioOfMeans"/>.</param>
/// <param name="RatioOfMeans">True when the variant pays its cost on only some steps, so the median would hide it.</param>
/// <param name="Expected">For a variant with stats every N steps (N &gt; 1): 1 + (every-step ratio - 1) / N, the ratio
/// if its stats steps cost what every-step ones do; else null.</param>
/// <param name="Paired">True when <paramref name="Ratio"/> compares stats steps with their neighbours in one trainer
/// (<see cref="DiagnosticsBench.PairedRatio"/>) rather than with the no-stats trainer.</param>
public sealed record DiagnosticsBenchRow(
    string Model,
    string Variant,
    int Steps,
    double MedianMillis,
    double MeanMillis,
    double Ratio,
    bool RatioOfMeans,
    double? Expected,
    bool Paired = false);
