using System.Threading.Channels;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

/// <summary>The per-layer diagnostics of <see cref="QuantLinear"/> and the trainer, against hand-computed values.</summary>
public class LayerDiagnosticsTests
{
    private static float Stat(QuantLinear layer, string role, string metric) =>
        TensorAssert.Floats(layer.Probe.Stats)[LayerStatsLayout.IndexOf(role, metric)];

    [Fact]
    public void ErrorSplit_KnownWeightAndInput()
    {
        // E4M3, delayed scaling seeded by the step's own amax. W = [2, 0.5]: scale 448/2 = 224, 448 and 112 are on the
        // grid, so the weight is lossless. x = [1, 1.1]: scale 448/1.1; 1.1 -> 448 exactly, 1 -> 407.27 -> 416 (the
        // grid steps by 32 in [256, 512)), i.e. q0 = 416·1.1/448.
        using var layer = new QuantLinear("fc", 2, 1, false, new DelayedScalingRecipe(), new DelayedScalingRecipe());
        using (no_grad()) layer.Weight.copy_(tensor(new[] { 2f, 0.5f }).view(1, 2));
        layer.Probe.SplitError = true;
        using var x = tensor(new[] { 1f, 1.1f }).view(1, 2);
        using var y = layer.forward(x);

        var q0 = 416.0 * 1.1 / 448.0;
        var exact = 2.0 * 1 + 0.5 * 1.1;
        var inputError = Math.Abs(2.0 * (q0 - 1)) / exact;
        Assert.Equal(0f, Stat(layer, TensorRoles.Input, MetricCatalog.ErrorWeightOnly));
        Assert.Equal(inputError, Stat(layer, TensorRoles.Input, MetricCatalog.ErrorInputOnly), 5);
        Assert.Equal(inputError, Stat(layer, TensorRoles.Input, MetricCatalog.ErrorBoth), 5);
        // The input's own error statistics: one element off by q0 - 1 = 0.02143.
        Assert.Equal((q0 - 1) * (q0 - 1) / 2, Stat(layer, TensorRoles.Input, MetricCatalog.Mse), 6);
        Assert.Equal(10 * Math.Log10((1 + 1.21) / ((q0 - 1) * (q0 - 1))), Stat(layer, TensorRoles.Input, MetricCatalog.SqnrDb), 3);
        Assert.Equal((float)QuantErrorStats.LosslessSqnrDb, Stat(layer, TensorRoles.Weight, MetricCatalog.SqnrDb));
        Assert.Equal(MathF.Sqrt(4.25f), Stat(layer, TensorRoles.Weight, MetricCatalog.WeightNorm), 5);
    }

    [Fact]
    public void ErrorSplit_Off_IsNotMeasured()
    {
        using var layer = new QuantLinear("fc", 2, 1, false, new DelayedScalingRecipe(), new DelayedScalingRecipe());
        using var x = tensor(new[] { 1f, 1.1f }).view(1, 2);
        layer.forward(x).Dispose();
        Assert.True(float.IsNaN(Stat(layer, TensorRoles.Input, MetricCatalog.ErrorBoth)));
        layer.Probe.CollectStats = false;
        layer.forward(x).Dispose();
        Assert.True(float.IsNaN(Stat(layer, TensorRoles.Input, MetricCatalog.Mse)));
        Assert.Equal(1.1f, Stat(layer, TensorRoles.Input, MetricCatalog.Amax)); // the cheap columns stay
        Assert.False(float.IsNaN(Stat(layer, TensorRoles.Input, MetricCatalog.OverflowFraction)));
    }

    [Fact]
    public void Underflow_SubnormalsBelowHalfTheSmallestStepBecomeZero()
    {
        // E4M3 scale 448/448 = 1: the smallest subnormal is 2^-9; 2^-11 rounds to 0, 2^-9 stays.
        using var layer = new QuantLinear("fc", 4, 1, false, new DelayedScalingRecipe(), new DelayedScalingRecipe());
        using var x = tensor(new[] { 448f, MathF.Pow(2, -11), MathF.Pow(2, -9), 0f }).view(1, 4);
        layer.forward(x).Dispose();
        Assert.Equal(0.25f, Stat(layer, TensorRoles.Input, MetricCatalog.UnderflowFraction));
    }

    [Fact]
    public void SaturationEvent_ComesOneStepLate_AndTheRateAveragesIt()
    {
        // A run whose inputs grow: with most_recent/H=1 the scale of step t comes from step t-1's amax, so a step whose
        // amax rose flags an event; the flag is derived from the very amax and amaxPred that were emitted.
        var config = TrainConfig.Tiny with { Steps = 8, LearningRate = 1e-2, Quant = new QuantConfig { Algorithm = AmaxAlgorithm.MostRecent, HistoryLength = 1 } };
        using var trainer = new Trainer(ConfigValidator.Require(config));
        var channel = Channel.CreateUnbounded<MetricBatch>();
        trainer.Run(Guid.NewGuid(), channel.Writer, CancellationToken.None);
        channel.Writer.Complete();
        var points = new List<LayerPoint>();
        while (channel.Reader.TryRead(out var b)) points.AddRange(b.LayerPoints.Where(p => p.Role == TensorRoles.Input));
        float[] At(int step, string metric) => points.Single(p => p.Step == step && p.Metric == metric).Values;

        Assert.All(At(0, MetricCatalog.SaturationEvent), e => Assert.Equal(0f, e)); // step 0 scales by its own amax
        var events = new List<float[]>();
        for (var step = 0; step < 8; step++)
        {
            var amax = At(step, MetricCatalog.Amax);
            var pred = At(step, MetricCatalog.AmaxPred);
            var e = At(step, MetricCatalog.SaturationEvent);
            for (var l = 0; l < amax.Length; l++) Assert.Equal(amax[l] > pred[l] ? 1f : 0f, e[l]);
            if (step > 0) Assert.Equal(At(step - 1, MetricCatalog.Amax), pred); // H = 1, most_recent: the previous amax
            events.Add(e);
            var rate = At(step, MetricCatalog.SaturationRate);
            for (var l = 0; l < amax.Length; l++) Assert.Equal(events.Average(x => x[l]), rate[l], 5);
        }

        Assert.Contains(events.SelectMany(e => e), e => e == 1f);
    }

    [Fact]
    public void Tiny_DownProjInputHasTheHighestKurtosis()
    {
        // The SwiGLU product silu(gate)·up is heavy-tailed: after a short training run, FC2's input stands out.
        var config = TrainConfig.Tiny with { Steps = 60, LearningRate = 1e-2, Quant = null, Stats = new StatsConfig { Every = 59, ErrorSplitEvery = 0 } };
        using var trainer = new Trainer(ConfigValidator.Require(config));
        var channel = Channel.CreateUnbounded<MetricBatch>();
        trainer.Run(Guid.NewGuid(), channel.Writer, CancellationToken.None);
        channel.Writer.Complete();
        LayerPoint? last = null;
        while (channel.Reader.TryRead(out var b))
            last = b.LayerPoints.LastOrDefault(p => p.Metric == MetricCatalog.Kurtosis && p.Role == TensorRoles.Input) ?? last;

        Assert.NotNull(last);
        Assert.Equal(59, last.Step);
        var worst = trainer.Layout.Layers[Array.IndexOf(last.Values, last.Values.Max())];
        Assert.EndsWith("mlp.down_proj", worst);
    }

    // [overflow, underflow, mse, sqnrDb]: the device's raw sums, finished on the host as the trainer does.
    private static double[] WhatIf(Tensor x, Tensor amax, string format)
    {
        using var raw = WhatIfStats.Compute(x, amax, NumberFormats.Get(format));
        return WhatIfStats.Finish(raw.data<double>().ToArray());
    }

    [Fact]
    public void WhatIf_HandComputed_E5M2AndMxfp4()
    {
        // x = [1, 0.3, 0, 0.001]: E5M2 current scaling to 57344/1: 0.3·57344 = 17203.2 -> 16384 (step 4096), 0.001·57344
        // = 57.344 -> 56 (step 8 in [32, 64)); nothing overflows.
        using var x = tensor(new[] { 1f, 0.3f, 0f, 0.001f });
        using var amax = tensor(1f);
        var e5m2 = WhatIf(x, amax, "e5m2");
        var d1 = 16384.0 / 57344 - 0.3;
        var d3 = 56.0 / 57344 - 0.001;
        Assert.Equal(0, e5m2[0]);
        Assert.Equal(0, e5m2[1]);
        Assert.Equal((d1 * d1 + d3 * d3) / 4, e5m2[2], 7);

        // MXFP4 on a 32-value block: absmax 1 -> X = 2^(0 - 2) = 0.25, elements on E2M1·0.25: 0.3 -> 0.25, 0.001 -> 0 (underflow).
        using var block = cat([x, zeros(28)]);
        var mx = WhatIf(block, amax, "mxfp4");
        Assert.Equal(0, mx[0]);
        Assert.Equal(1.0 / 32, mx[1]);
        Assert.Equal((0.05 * 0.05 + 0.001 * 0.001) / 32, mx[2], 7);
    }

    [Fact]
    public void WhatIf_InTraining_IsReportedAndDoesNotChangeTheRun()
    {
        var config = TrainConfig.Tiny with { Steps = 3 };
        float[] Losses(TrainConfig c, List<LayerPoint> sink)
        {
            using var trainer = new Trainer(ConfigValidator.Require(c));
            var channel = Channel.CreateUnbounded<MetricBatch>();
            trainer.Run(Guid.NewGuid(), channel.Writer, CancellationToken.None);
            channel.Writer.Complete();
            var losses = new List<float>();
            while (channel.Reader.TryRead(out var b))
            {
                losses.AddRange(b.Scalars.Where(p => p.Metric == MetricCatalog.Loss).Select(p => p.Value));
                sink.AddRange(b.LayerPoints);
            }

            return [.. losses];
        }

        var plain = Losses(config, []);
        var points = new List<LayerPoint>();
        var withWhatIf = Losses(config with { Stats = new StatsConfig { WhatIf = [FormatName.Parse("mxfp4"), FormatName.HiF8] } }, points);
        Assert.Equal(plain, withWhatIf);
        var underflow = points.Where(p => p.Metric == "whatIf.mxfp4.underflowFraction" && p.Role == TensorRoles.Input).ToArray();
        Assert.Equal(3, underflow.Length);
        Assert.All(underflow.SelectMany(p => p.Values), v => Assert.InRange(v, 0f, 1f));
        Assert.Contains(points, p => p.Metric == "whatIf.hif8.overflowFraction" && p.Role == TensorRoles.Weight);
    }
}
