using System.Threading.Channels;
using QuantScope.Engine.Analysis.Diagnosis;
using TorchSharp;
using Xunit.Abstractions;

namespace QuantScope.Engine.Tests.Analysis.Diagnosis;

/// <summary>
/// The early warning on a real tiny run: between steps, one channel of layer 0's SwiGLU product (a row of its up_proj
/// weight) is scaled up by a constant factor, so that FC2's input grows an outlier channel as in long FP8 runs. The
/// detector, run on the series recorded up to each step, must fire before the saturation detector and before the
/// input first overflows (the margin of 1 holds the steady growth; a jump of the grown channels overflows).
/// </summary>
public class OutlierGrowthTrainingTests(ITestOutputHelper output)
{
    private const int Steps = 90;
    private const int Warmup = 20; // BF16 steps that fill the amax history
    private const int GrowFrom = 30; // steps before the channels start growing
    private const int JumpAt = 70; // the step the channels jump by 4x: more than the margin's 2x headroom, so they clip
    private static readonly long[] GrowingChannels = [5, 17, 33, 50];

    [Fact]
    public void Detect_RealRunWithAGrowingFc2Channel_FiresBeforeSaturationAndOverflow()
    {
        var config = TrainConfig.Tiny with
        {
            Steps = Steps,
            LearningRate = 1e-5,
            WeightDecay = 0,
            Bf16WarmupSteps = Warmup,
            Quant = new QuantConfig { Preset = "fp8-delayed", HistoryLength = 1024, Margin = 1 },
        };
        Trainer? trainer = null;
        var step = 0;
        var options = new TrainerOptions { BetweenSteps = () => Grow(trainer!, step++) };
        trainer = new Trainer(ConfigValidator.Require(config), options);
        using var _ = trainer;
        var channel = Channel.CreateUnbounded<MetricBatch>();
        trainer.Run(Guid.NewGuid(), channel.Writer, CancellationToken.None);
        channel.Writer.Complete();
        var points = new List<LayerPoint>();
        while (channel.Reader.TryRead(out var batch)) points.AddRange(batch.LayerPoints);

        var layers = trainer.Layout.Layers;
        var fc2 = layers.ToList().IndexOf("model.layers.0.mlp.down_proj");
        int? warned = null, saturated = null, overflowed = null;
        for (var upTo = 0; upTo < Steps; upTo++)
        {
            var input = Input(points, layers, trainer.EffectivePlan, upTo);
            warned ??= OutlierGrowthDetector.Detect(input, DiagnosisThresholds.Default).Any(f => f.Layers.Contains(layers[fc2])) ? upTo : null;
            saturated ??= SaturationDetector.Detect(input, DiagnosisThresholds.Default)
                .Any(f => f.Layers.Contains(layers[fc2]) && f.Severity >= FindingSeverity.Warning) ? upTo : null;
            overflowed ??= Values(points, MetricCatalog.OverflowFraction, upTo).Any(v => v.Row[fc2] > 0) ? upTo : null;
        }

        output.WriteLine($"warned at {warned}, saturation finding at {saturated}, first overflow at {overflowed}");
        output.WriteLine("kurtosis " + string.Join(" ", Values(points, MetricCatalog.Kurtosis, Steps).Select(v => v.Row[fc2].ToString("G3"))));
        output.WriteLine("channelRatio " + string.Join(" ", Values(points, MetricCatalog.ChannelRatio, Steps).Select(v => v.Row[fc2].ToString("G3"))));
        output.WriteLine("amax " + string.Join(" ", Values(points, MetricCatalog.Amax, Steps).Select(v => v.Row[fc2].ToString("G3"))));
        Assert.NotNull(warned);
        Assert.True(warned > GrowFrom, $"warned at {warned}, before the channel grew");
        Assert.True(overflowed >= JumpAt, $"first overflow at {overflowed}: the 2x margin held until the jump");
        Assert.True(saturated >= JumpAt, $"saturation warning at {saturated}: only the jump clipped");
        Assert.True(warned < JumpAt, $"warned at {warned}, after the jump at {JumpAt}");
    }

    // Scales four output rows of layer 0's up_proj by 1.08 per step from GrowFrom on (those channels of FC2's input grow),
    // and by 4 once at JumpAt.
    private static void Grow(Trainer trainer, int step)
    {
        if (step < GrowFrom) return;
        var up = trainer.Model.QuantizedLayers.Single(l => l.Name == "model.layers.0.mlp.up_proj").Layer;
        using var noGrad = torch.no_grad();
        foreach (var c in GrowingChannels)
        {
            using var row = up.Weight[c];
            row.mul_(step == JumpAt ? 4.0 : 1.08);
        }
    }

    private static IEnumerable<(int Step, float[] Row)> Values(List<LayerPoint> points, string metric, int upTo) =>
        points.Where(p => p.Metric == metric && p.Role == TensorRoles.Input && p.Step <= upTo).OrderBy(p => p.Step).Select(p => (p.Step, p.Values));

    private static DiagnosisInput Input(List<LayerPoint> points, IReadOnlyList<string> layers, IReadOnlyList<PlanEntry> plan, int upTo)
    {
        var metrics = new[] { MetricCatalog.Kurtosis, MetricCatalog.ChannelRatio, MetricCatalog.OverflowFraction, MetricCatalog.SaturationEvent, MetricCatalog.Amax, MetricCatalog.AmaxPred };
        var series = new Dictionary<string, LayerSeries>();
        foreach (var metric in metrics)
        {
            var rows = Values(points, metric, upTo).ToArray();
            if (rows.Length > 0) series[DiagnosisInput.Key(metric, TensorRoles.Input)] = new LayerSeries(rows.Select(r => r.Step).ToArray(), rows.Select(r => r.Row).ToArray());
        }

        return new DiagnosisInput { Layers = layers, LayerMetrics = series, Plan = plan, Requested = new RequestedSettings { Bf16WarmupSteps = Warmup, Steps = Steps } };
    }
}
