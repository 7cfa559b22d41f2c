using System.Threading.Channels;
using QuantScope.Engine.Devices;
using QuantScope.Engine.Model;
using QuantScope.Engine.Numerics;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Training;

/// <summary>
/// Every tensor a run holds lives on the run's device: the model's and the twin's parameters, gradients and buffers
/// (amax histories, scales, rotary tables, raw stats), the probes' top-channel and what-if buffers, the AdamW moments
/// and the stats window. On this CPU build both "cpu" and "auto" mean the CPU; on a CUDA build "auto" is cuda:0 and
/// the same walk finds any tensor a missed device argument left on the host.
/// </summary>
public sealed class TrainerDeviceTests
{
    private static TrainConfig Config(string? device, string preset) => TrainConfig.Tiny with
    {
        Steps = 4,
        Device = device is null ? null : DeviceSetting.Parse(device),
        Baseline = true,
        Dropout = 0.1,
        Bf16WarmupSteps = 1,
        EvalEvery = 2,
        Pretrain = new PretrainConfig { Steps = 2 },
        Quant = new QuantConfig { Preset = preset, HistoryLength = 4 },
        Stats = new StatsConfig { Every = 1, ErrorSplitEvery = 1, TopChannels = 4, WhatIf = [FormatName.Parse("hif8"), FormatName.Parse("mxfp4")] },
    };

    public static TheoryData<string?, string> Runs => new()
    {
        { "cpu", "fp8-hybrid-delayed" },
        { "auto", "fp8-hybrid-delayed" },
        { null, "fp8-e4m3-current" },
        { "cpu", "nvfp4" },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void Run_AfterSteps_EveryTensorIsOnTheRunsDevice(string? device, string preset)
    {
        using var trainer = new Trainer(ConfigValidator.Require(Config(device, preset)));
        var expected = trainer.Device.Device;
        var walked = 0;
        trainer.BeforeStep = step =>
        {
            if (step != 3) return; // after warmup, QAT, stats, error split and an evaluation
            foreach (var (name, t) in Tensors(trainer))
            {
                Assert.True(t.device.ToString() == expected, $"{name} is on {t.device}, the run on {expected}");
                walked++;
            }
        };

        var channel = Channel.CreateUnbounded<MetricBatch>();
        var summary = trainer.Run(Guid.NewGuid(), channel.Writer, CancellationToken.None);
        Assert.Equal(RunStatus.Completed, summary.Status);
        Assert.Equal(trainer.Device, summary.Device);
        Assert.True(walked > 200, $"walked only {walked} tensors");
    }

    [Fact]
    public void Run_CudaOnThisBuild_RefusedBeforeAnythingIsAllocated()
    {
        var result = ConfigValidator.Validate(TrainConfig.Tiny with { Device = DeviceSetting.Parse("cuda:1") });
        var error = Assert.Single(result.Errors);
        Assert.Equal("device", error.Field);
        Assert.Contains("CPU-only build", error.Message, StringComparison.Ordinal);
        Assert.NotNull(ConfigValidator.Validate(TrainConfig.Tiny with { Device = DeviceSetting.Cpu }).Value);
    }

    private static IEnumerable<(string Name, Tensor Tensor)> Tensors(Trainer trainer)
    {
        foreach (var (label, model) in new[] { ("model", trainer.Model), ("twin", trainer.Twin!) })
        {
            foreach (var (name, t) in model.state_dict()) yield return ($"{label}.{name}", t);
            foreach (var (name, p) in model.named_parameters())
                if (p.grad is { } g) yield return ($"{label}.{name}.grad", g);
            foreach (var (name, layer) in model.QuantizedLayers)
            {
                yield return ($"{label}.{name}.probe.raw", layer.Probe.RawStats);
                if (layer.Probe.TopChannels is { } top) yield return ($"{label}.{name}.probe.topChannels", top);
                if (layer.Probe.WhatIf is { } whatIf) yield return ($"{label}.{name}.probe.whatIf", whatIf);
            }
        }

        var i = 0;
        foreach (var optimizer in trainer.Optimizers)
            foreach (var t in optimizer.StateTensors()) yield return ($"optimizer.{i++}", t);
        yield return ("statsWindow", trainer.Window!.Buffer);
    }
}
