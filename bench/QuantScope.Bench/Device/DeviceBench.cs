using QuantScope.Bench.Shared;
using QuantScope.Engine.Devices;
using QuantScope.Engine.Model;
using QuantScope.Engine.Numerics;
using QuantScope.Engine.Training;

namespace QuantScope.Bench.Device;

/// <summary>
/// <c>--device cpu|cuda|cuda:N</c>: tokens/s of the demo, small and base models on one device for BF16, FP8 (delayed
/// scaling) and FP8 with the full diagnostics (stats, the weight/input error split and what-if e5m2 and int8) every step
/// and every 10 steps, with the diagnostics overhead against plain FP8 and its GPU target (every step &lt;= 1.05,
/// every 10 steps &lt;= 1.01). Step times come from the trainer's <c>step_ms</c>; logging windows of
/// <see cref="Window"/> steps, the first dropped (warm-up; on CUDA the window is what is timed: its one host copy
/// waits for the device). Rounds build a fresh trainer per (model, variant) and rotate the variant order.
/// </summary>
public static class DeviceBench
{
    /// <summary>Steps per logging window (one device-to-host copy each): also the diagnostics' every-N period, so each window holds one stats step.</summary>
    public const int Window = 10;

    /// <summary>Diagnostics overhead target on a GPU with full diagnostics every step (step time / plain FP8).</summary>
    public const double EveryStepTarget = 1.05;

    /// <summary>The same with full diagnostics every <see cref="Window"/> steps.</summary>
    public const double EveryTenTarget = 1.01;

    private static readonly StatsConfig Off = new() { Every = 0, ErrorSplitEvery = 0, TopChannels = 0 };
    private static readonly QuantConfig Fp8 = new() { Preset = "fp8-delayed" };
    // Per-tensor formats, as when demo's FFN (then 344) could not hold a block what-if (mxfp8, mxfp4, nvfp4): the figures
    // stay comparable with earlier runs; HiF8's emulation alone costs seconds per CPU step.
    private static readonly IReadOnlyList<FormatName> WhatIf = [FormatName.E5M2, FormatName.Parse("int8")];

    /// <summary>The variants; index 1 (plain FP8) is the baseline of the overhead ratios.</summary>
    public static IReadOnlyList<(string Name, QuantConfig? Quant, StatsConfig Stats)> Variants { get; } =
    [
        ("bf16", null, Off),
        ("fp8", Fp8, Off),
        ("fp8 + diagnostics every step", Fp8, new StatsConfig { Every = 1, ErrorSplitEvery = 1, TopChannels = 4, WhatIf = WhatIf }),
        ("fp8 + diagnostics every 10", Fp8, new StatsConfig { Every = Window, ErrorSplitEvery = Window, TopChannels = 4, WhatIf = WhatIf }),
    ];

    /// <summary>
    /// Reads <c>--device</c>: <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>, and for CUDA whether this build and machine
    /// have it (<see cref="DeviceResolver"/> against <paramref name="cuda"/>). Exactly one of the two results is set.
    /// </summary>
    public static (DeviceSetting? Device, string? Error) Choose(string? text, CudaInventory cuda)
    {
        if (!DeviceSetting.TryParse(text, out var device) || device.Kind == DeviceKind.Auto)
            return (null, $"--device '{text}': use cpu, cuda or cuda:N");
        return DeviceResolver.Choose(device, cuda).Error is { } error ? (null, $"--device {device}: {error}") : (device, null);
    }

    /// <summary>The config of <paramref name="variant"/> on <paramref name="model"/>: one warm-up window, then its timed windows, on the plan's device.</summary>
    public static TrainConfig Config(DeviceBenchModel model, int variant, DeviceSetting device)
    {
        var v = Variants[variant];
        return TrainConfig.Demo with
        {
            Name = $"bench-device-{model.Model}-{v.Name.Replace(' ', '-')}",
            Model = ModelConfig.Preset(model.Model) ?? throw new ArgumentException($"Unknown model preset '{model.Model}'.", nameof(model)),
            BatchSize = model.BatchSize,
            SeqLen = model.SeqLen,
            Precision = Precision.Bf16,
            Quant = v.Quant,
            Stats = v.Stats,
            Steps = Window * (1 + model.TimedWindows),
            LogEvery = Window,
            Device = device,
        };
    }

    /// <summary>Runs every round on the calling thread (TorchSharp dispose scopes are thread-static).</summary>
    public static IReadOnlyList<DeviceBenchRow> Run(DeviceBenchPlan plan, Action<string> status)
    {
        var samples = plan.Models.Select(_ => Variants.Select(_ => new List<double>()).ToArray()).ToArray();
        for (var round = 0; round < plan.Rounds; round++)
        {
            for (var m = 0; m < plan.Models.Count; m++)
            {
                for (var k = 0; k < Variants.Count; k++)
                {
                    var i = (k + round) % Variants.Count; // rotate the order so no variant always runs first
                    status($"Device bench ({plan.Device}): round {round + 1}/{plan.Rounds}, {plan.Models[m].Model}, {Variants[i].Name}");
                    samples[m][i].AddRange(BenchTrainer.StepMillis(Config(plan.Models[m], i, plan.Device), firstStep: Window));
                }
            }
        }

        return plan.Models.SelectMany((model, m) => Rows(model, samples[m])).ToArray();
    }

    /// <summary>
    /// The rows of one model from its step times (ms, one list per variant in <see cref="Variants"/> order). The every-step
    /// overhead is a ratio of medians; the every-10 one a ratio of means (the median would be a step without stats). Pure.
    /// </summary>
    /// <exception cref="ArgumentException">A variant without samples.</exception>
    public static IReadOnlyList<DeviceBenchRow> Rows(DeviceBenchModel model, IReadOnlyList<IReadOnlyList<double>> samples)
    {
        if (samples.Count != Variants.Count || samples.Any(s => s.Count == 0))
            throw new ArgumentException($"Need samples for each of the {Variants.Count} variants.", nameof(samples));
        var medians = samples.Select(BenchMath.Median).ToArray();
        var means = samples.Select(s => s.Average()).ToArray();
        return Variants.Select((v, i) =>
        {
            var (overhead, target) = i switch
            {
                2 => (medians[2] / medians[1], EveryStepTarget),
                3 => (means[3] / means[1], EveryTenTarget),
                _ => ((double?)null, (double?)null),
            };
            return new DeviceBenchRow(model.Model, v.Name, samples[i].Count, medians[i], means[i],
                model.TokensPerStep * 1000.0 / medians[i], overhead, target);
        }).ToArray();
    }

    /// <summary>The target cell of a row: <c>&lt;= 1.05 met</c> / <c>missed</c> on a GPU; on the CPU the figure is only printed.</summary>
    public static string TargetText(DeviceBenchRow row, bool gpu) => row.Target is not { } target
        ? ""
        : gpu
            ? $"<= {target:F2} {(row.Overhead <= target ? "met" : "MISSED")}"
            : $"<= {target:F2} (target applies on GPU)";
}
