namespace QuantScope.Bench.Experiment;

/// <summary>One row of the experiment throughput table: one model under one variant, as measured in this run.</summary>
/// <param name="Model">Model preset name (<c>demo</c>, <c>small</c>).</param>
/// <param name="Variant">Variant label, with a note when the plan fell back (for example per-channel INT4).</param>
/// <param name="Steps">Timed steps behind the median (warm-up steps excluded).</param>
/// <param name="MedianMillis">Median wall time of one optimizer step, ms (the twin's step included when it runs).</param>
/// <param name="TokensPerSecond">Batch size x sequence length / median step time, tokens/s.</param>
/// <param name="VsBf16">Tokens/s of this row / tokens/s of the same model's bf16 row (below 1 = slower).</param>
/// <param name="TwinCost">For a twin row: its step time / the same variant's step time without the twin; else null.</param>
/// <param name="ExpectedTwinCost">For a twin row: 1 + bf16 step / step without twin, the cost if the twin adds exactly
/// one bf16 step; else null.</param>
public sealed record ExperimentBenchRow(
    string Model,
    string Variant,
    int Steps,
    double MedianMillis,
    double TokensPerSecond,
    double VsBf16,
    double? TwinCost,
    double? ExpectedTwinCost);
