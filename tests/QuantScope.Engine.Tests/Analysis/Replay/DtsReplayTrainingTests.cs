using System.Threading.Channels;
using QuantScope.Engine.Analysis.Replay;

namespace QuantScope.Engine.Tests.Analysis.Replay;

/// <summary>The validation the issue asks for: a real run replayed with its own settings reproduces its own events.</summary>
public class DtsReplayTrainingTests
{
    [Theory]
    [InlineData(2, "most_recent", 3)]
    [InlineData(2, "max", 0)]
    public void Run_OwnSettingsOfATinyTraining_ReproducesRecordedEventsAndPredictionsExactly(int h, string algorithm, int warmup)
    {
        var config = TrainConfig.Tiny with
        {
            Steps = 16,
            Bf16WarmupSteps = warmup,
            Quant = new QuantConfig { Preset = "fp8-delayed", HistoryLength = h, Algorithm = ScaleMath.ParseAlgorithm(algorithm) },
        };
        using var trainer = new Trainer(ConfigValidator.Require(config));
        var channel = Channel.CreateUnbounded<MetricBatch>();
        trainer.Run(Guid.NewGuid(), channel.Writer, CancellationToken.None);
        channel.Writer.Complete();
        var points = new List<LayerPoint>();
        while (channel.Reader.TryRead(out var batch)) points.AddRange(batch.LayerPoints);

        var compared = 0;
        var events = 0;
        foreach (var role in TensorRoles.All)
        {
            var amax = points.Where(p => p.Metric == MetricCatalog.Amax && p.Role == role).ToArray();
            var recordedEvents = points.Where(p => p.Metric == MetricCatalog.SaturationEvent && p.Role == role).ToDictionary(p => p.Step, p => p.Values);
            var recordedPred = points.Where(p => p.Metric == MetricCatalog.AmaxPred && p.Role == role).ToDictionary(p => p.Step, p => p.Values);
            for (var l = 0; l < trainer.Layout.Layers.Count; l++)
            {
                var entry = trainer.EffectivePlan.SingleOrDefault(e => e.Layer == trainer.Layout.Layers[l] && e.Role == role);
                if (RecipeText.TryParseDelayed(entry?.Recipe, entry?.Format) is not { } settings) continue;
                var replay = DtsReplay.Run(amax.Select(p => p.Step).ToArray(), amax.Select(p => p.Values[l]).ToArray(), settings, warmup);
                foreach (var point in replay.Points.Where(p => p.Saturated is not null))
                {
                    var recorded = recordedEvents[point.Step][l];
                    Assert.Equal(recorded == 1f, point.Saturated);
                    TensorAssert.BitEqual(recordedPred[point.Step][l], point.AmaxPred, $"{trainer.Layout.Layers[l]} {role} step {point.Step}");
                    compared++;
                    if (point.Saturated == true) events++;
                }

                Assert.Equal(recordedEvents.Count(e => !float.IsNaN(e.Value[l])), replay.Measured);
            }
        }

        Assert.True(compared >= 2 * 14 * (16 - warmup), $"compared {compared}");
        Assert.True(events > 0, "the settings are short enough that the run saturates somewhere");
    }
}
