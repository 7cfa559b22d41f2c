using QuantScope.Engine.Numerics;
using QuantScope.Engine.Model;
using QuantScope.Engine.Training;
using QuantScope.Bench.Shared;

namespace QuantScope.Bench.Experiment;

/// <summary>
/// Experiment throughput: tokens/s of whole training steps per model (<see cref="BenchPlan.ExperimentModels"/>) under
/// BF16, FP32 and fake-quant FP8 / HiF8 / W4A4, relative to BF16, and the cost of the BF16 twin. A trainer runs once,
/// so every round builds a fresh trainer per (model, variant), rotates the variant order, and drops each trainer's
/// first step as warm-up; step times come from the trainer's <c>step_ms</c> metric and are reduced to medians.
/// </summary>
public static class ExperimentBench
{
    /// <summary>
    /// The variants (short names: the table must fit 80 columns): fp8 = the <c>fp8-delayed</c> preset, hif8 = the same
    /// with format hif8 on every layer, w4a4 = <c>w4a4-g128</c>; quantized variants use BF16 matmuls elsewhere. The
    /// first (plain BF16) is the baseline of the tokens/s ratio; a twin variant's cost is measured against the variant
    /// with the same precision and plan without the twin.
    /// </summary>
    public static IReadOnlyList<(string Name, Precision Precision, QuantConfig? Quant, bool Twin)> Variants { get; } =
    [
        ("bf16", Precision.Bf16, null, false),
        ("fp32", Precision.Fp32, null, false),
        ("fp8", Precision.Bf16, new QuantConfig { Preset = "fp8-delayed" }, false),
        ("hif8", Precision.Bf16, new QuantConfig { Preset = "fp8-delayed", Format = FormatName.HiF8 }, false),
        ("w4a4", Precision.Bf16, new QuantConfig { Preset = "w4a4-g128" }, false),
        ("fp8 + twin", Precision.Bf16, new QuantConfig { Preset = "fp8-delayed" }, true),
    ];

    /// <summary>Runs every round on the calling thread (TorchSharp dispose scopes are thread-static).</summary>
    public static IReadOnlyList<ExperimentBenchRow> Run(BenchPlan plan, Action<string> status)
    {
        var models = plan.ExperimentModels;
        var samples = models.Select(_ => Variants.Select(_ => new List<double>()).ToArray()).ToArray();
        var notes = models.Select(_ => new string?[Variants.Count]).ToArray();
        for (var round = 0; round < plan.ExperimentRounds; round++)
        {
            for (var m = 0; m < models.Count; m++)
            {
                for (var k = 0; k < Variants.Count; k++)
                {
                    var i = (k + round) % Variants.Count; // rotate the order so no variant always runs first
                    status($"Experiment steps: round {round + 1}/{plan.ExperimentRounds}, {models[m].Model}, {Variants[i].Name}");
                    var config = Config(models[m].Model, i, models[m].StepsPerRound);
                    var (millis, note) = RunSteps(config);
                    samples[m][i].AddRange(millis);
                    notes[m][i] ??= note;
                }
            }
        }

        return models.SelectMany((model, m) =>
        {
            var config = Config(model.Model, 0, 1);
            return Rows(model.Model, (long)config.BatchSize * config.SeqLen, samples[m], notes[m]);
        }).ToArray();
    }

    /// <summary>
    /// The config of variant <paramref name="variant"/> on model preset <paramref name="model"/>: the demo run's batch
    /// (so tokens per step match across models), <paramref name="timedSteps"/> + 1 steps (the first is warm-up), one
    /// metric batch per run.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown model preset.</exception>
    public static TrainConfig Config(string model, int variant, int timedSteps)
    {
        var v = Variants[variant];
        var steps = timedSteps + 1;
        return TrainConfig.Demo with
        {
            Name = $"bench-{model}-{v.Name}",
            Model = ModelConfig.Preset(model) ?? throw new ArgumentException($"Unknown model preset '{model}'.", nameof(model)),
            Precision = v.Precision,
            Quant = v.Quant,
            Baseline = v.Twin,
            Steps = steps,
            LogEvery = steps,
        };
    }

    /// <summary>Tokens per second of a step of <paramref name="tokensPerStep"/> tokens taking <paramref name="stepMillis"/> ms.</summary>
    public static double TokensPerSecond(long tokensPerStep, double stepMillis) => tokensPerStep * 1000.0 / stepMillis;

    /// <summary>
    /// The table rows of one model from its step-time samples (ms, one list per variant in <see cref="Variants"/>
    /// order) and optional per-variant notes appended to the label. Pure.
    /// </summary>
    public static IReadOnlyList<ExperimentBenchRow> Rows(string model, long tokensPerStep, IReadOnlyList<IReadOnlyList<double>> samples,
        IReadOnlyList<string?> notes)
    {
        var medians = samples.Select(BenchMath.Median).ToArray();
        var rows = new ExperimentBenchRow[Variants.Count];
        for (var i = 0; i < Variants.Count; i++)
        {
            var v = Variants[i];
            var label = notes[i] is { } note ? $"{v.Name} ({note})" : v.Name;
            double? cost = null, expected = null;
            if (v.Twin)
            {
                var solo = SoloIndex(i);
                cost = medians[i] / medians[solo];
                expected = 1 + medians[0] / medians[solo]; // the twin is a plain step: about one bf16 step extra
            }

            // tokens/s ratio = inverse step-time ratio: tokens per step are the same for every variant of a model
            rows[i] = new ExperimentBenchRow(model, label, samples[i].Count, medians[i], TokensPerSecond(tokensPerStep, medians[i]),
                medians[0] / medians[i], cost, expected);
        }

        return rows;
    }

    /// <summary>
    /// A short label note, <c>N/M per-ch.</c>, when block-size checks changed the plan: INT groups that do not divide
    /// a layer's in-features fall back to per-channel on N of the M quantized layers (<see cref="Trainer.PlanWarnings"/>,
    /// one warning per layer and role). Null when none did.
    /// </summary>
    public static string? FallbackNote(IReadOnlyList<string> planWarnings, int quantizedLayers)
    {
        var layers = planWarnings.Where(w => w.Contains("fell back to int", StringComparison.Ordinal))
            .Select(w => w.Split(' ')[0]).Distinct().Count();
        return layers == 0 ? null : $"{layers}/{quantizedLayers} per-ch.";
    }

    private static int SoloIndex(int twin)
    {
        for (var j = 0; j < Variants.Count; j++)
        {
            if (!Variants[j].Twin && Variants[j].Precision == Variants[twin].Precision && Equals(Variants[j].Quant, Variants[twin].Quant))
                return j;
        }

        throw new InvalidOperationException($"No variant without the twin matches '{Variants[twin].Name}'.");
    }

    private static (List<double> Millis, string? Note) RunSteps(TrainConfig config)
    {
        string? note = null;
        var millis = BenchTrainer.StepMillis(config, trainer => note = FallbackNote(trainer.PlanWarnings, trainer.Layout.Layers.Count));
        return (millis, note);
    }
}
