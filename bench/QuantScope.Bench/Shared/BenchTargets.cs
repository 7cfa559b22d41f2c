using System.Globalization;

namespace QuantScope.Bench.Shared;

/// <summary>
/// The targets of issue 25 ("numerics at the speed of memory"), printed next to each figure with met / not met.
/// Pure data and formatting (no tensors), so it is unit-tested without torch.
/// </summary>
public static class BenchTargets
{
    /// <summary>A target: the figure must be at most <see cref="Limit"/> (or at least, when <see cref="AtLeast"/>).</summary>
    /// <param name="Limit">The bound, a ratio.</param>
    /// <param name="AtLeast">True when larger is better (tokens/s ratios).</param>
    public sealed record Target(double Limit, bool AtLeast = false)
    {
        /// <summary>Whether <paramref name="value"/> meets the target (NaN never does).</summary>
        public bool IsMet(double value) => AtLeast ? value >= Limit : value <= Limit;

        /// <summary>"≤ 4x met", "≥ 0.77x not met".</summary>
        public string Describe(double value) =>
            $"{(AtLeast ? "≥" : "≤")} {Limit.ToString("0.##", CultureInfo.InvariantCulture)}x {(IsMet(value) ? "met" : "not met")}";
    }

    /// <summary>
    /// Quantize time / one multiply at 4 M values, by <c>QuantizeBench</c> variant name. E4M3's target sits on the path
    /// the engine takes (on the CPU the one-pass kernel); libtorch's float8 cast is timed beside it for reference.
    /// </summary>
    public static IReadOnlyDictionary<string, Target> Quantize { get; } = new Dictionary<string, Target>
    {
        ["e4m3"] = new(4),
        ["e5m2"] = new(4),
        ["hif8"] = new(10),
        ["int8 (per tensor)"] = new(8),
        ["int4 g128"] = new(8),
        ["mxfp8-e4m3"] = new(10),
        ["mxfp4"] = new(10),
        ["nvfp4"] = new(12),
    };

    /// <summary>Fake-quant step / plain step of the demo model, by <c>TrainStepBench</c> variant name.</summary>
    public static IReadOnlyDictionary<string, Target> TrainStep { get; } = new Dictionary<string, Target>
    {
        ["fake quant (fp8-delayed)"] = new(1.20),
        ["fake quant + E5M2 gradients (fp8-hybrid-delayed)"] = new(1.35),
    };

    /// <summary>Experiment rows (model, variant): the hif8 step at most 1.30x the bf16 step, i.e. tokens/s at least 1 / 1.3 of bf16's.</summary>
    public static Target? Experiment(string model, string variant) =>
        model == "small" && variant == "hif8" ? new Target(Math.Round(1 / 1.30, 2), AtLeast: true) : null;

    /// <summary>
    /// Diagnostics rows (model, variant) on <c>small</c>: full stats every step at most 5 % over stats off (issue 25);
    /// every statistic with the gradient watched at most 10 % over (issue 23).
    /// </summary>
    public static Target? Diagnostics(string model, string variant) => (model, variant) switch
    {
        ("small", "stats every step") => new Target(1.05),
        ("small", QuantScope.Bench.Diagnostics.DiagnosticsBench.AllStatistics) => new Target(1.10),
        _ => null,
    };

    /// <summary>The target text for <paramref name="value"/>, or "–" when the figure has no target.</summary>
    public static string Describe(Target? target, double value) => target?.Describe(value) ?? "–";
}
