using System.Threading.Channels;
using Xunit.Abstractions;

namespace QuantScope.Engine.Tests.Training;

/// <summary>Runs alone (no parallel tests competing for the 2 cores) so the printed step time means something.</summary>
[CollectionDefinition(nameof(DemoStepTimeTests), DisableParallelization = true)]
public class DemoStepTimeCollection;

[Collection(nameof(DemoStepTimeTests))]
public class DemoStepTimeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Run_DemoConfig_PrintsMedianStepTimeAndLearns(bool quantize)
    {
        const int steps = 25;
        using var trainer = new Trainer(ConfigValidator.Require(TrainConfig.Demo with { Steps = steps, Quant = quantize ? new QuantConfig() : null }));
        var channel = Channel.CreateUnbounded<MetricBatch>();
        trainer.Run(Guid.NewGuid(), channel.Writer, CancellationToken.None);
        channel.Writer.Complete();
        var scalars = new List<ScalarPoint>();
        while (channel.Reader.TryRead(out var b)) scalars.AddRange(b.Scalars);

        var millis = scalars.Where(s => s.Metric == MetricCatalog.StepMillis && s.Step >= 3).Select(s => s.Value).Order().ToArray();
        var losses = scalars.Where(s => s.Metric == MetricCatalog.Loss).Select(s => s.Value).ToArray();
        output.WriteLine($"Demo quantize={quantize} ({trainer.Layout.Layers.Count} quantized layers, B={trainer.Config.BatchSize}, T={trainer.Config.SeqLen}): " +
                         $"median step {millis[millis.Length / 2]:F1} ms (min {millis[0]:F1}, max {millis[^1]:F1}); loss {losses[0]:F3} -> {losses[^1]:F3}");
        Assert.Equal(steps, losses.Length);
        Assert.True(losses[^1] < losses[0] - 0.5f, string.Join(", ", losses));
    }
}
