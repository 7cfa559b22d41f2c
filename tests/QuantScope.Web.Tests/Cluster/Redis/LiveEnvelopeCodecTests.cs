using System.Text;
using QuantScope.Web.Cluster.Redis;
using QuantScope.Web.Live;

namespace QuantScope.Web.Tests.Cluster.Redis;

public sealed class LiveEnvelopeCodecTests
{
    [Fact]
    public void Decode_EncodedEvents_SameEventsInOrderMarkedRemote()
    {
        var origin = Guid.NewGuid();
        var run = Guid.NewGuid();
        var batch = new MetricBatch(run,
            [new ScalarPoint(3, MetricCatalog.Loss, 2.5f), new ScalarPoint(3, MetricCatalog.LearningRate, float.NaN)],
            [new LayerPoint(3, MetricCatalog.Amax, TensorRoles.Input, [1f, float.PositiveInfinity, float.NaN])]);
        LiveEvent[] events =
        [
            new StatusEvent(run, RunStatus.Running, null, ["model.layers.0.mlp.down_proj", "lm_head"]),
            new MetricsEvent(batch),
            new StatusEvent(run, RunStatus.Failed, "diverged", null),
        ];

        var (decodedOrigin, decoded) = LiveEnvelopeCodec.Decode(LiveEnvelopeCodec.Encode(origin, events));

        Assert.Equal(origin, decodedOrigin);
        Assert.Equal(3, decoded.Count);
        Assert.All(decoded, e => Assert.True(e.Remote));
        var running = Assert.IsType<StatusEvent>(decoded[0]);
        Assert.Equal(RunStatus.Running, running.Status);
        Assert.Equal(["model.layers.0.mlp.down_proj", "lm_head"], running.Layers!);
        var metrics = Assert.IsType<MetricsEvent>(decoded[1]);
        Assert.Equal(run, metrics.RunId);
        Assert.Equal([2.5f, float.NaN], metrics.Batch.Scalars.Select(p => p.Value));
        var layer = Assert.Single(metrics.Batch.LayerPoints);
        Assert.Equal((3, MetricCatalog.Amax, TensorRoles.Input), (layer.Step, layer.Metric, layer.Role));
        Assert.Equal([1f, float.PositiveInfinity, float.NaN], layer.Values);
        var failed = Assert.IsType<StatusEvent>(decoded[2]);
        Assert.Equal((RunStatus.Failed, "diverged"), (failed.Status, failed.Error));
        Assert.Null(failed.Layers);
    }

    [Fact]
    public void Decode_EntriesWithoutBatchOrStatusOrWithHoles_AreSkipped()
    {
        var run = Guid.NewGuid();
        var json = $$$"""
            {"origin": "{{{Guid.NewGuid()}}}", "events": [
              {},
              {"batch": {"runId": "{{{run}}}", "scalars": null, "layerPoints": []}},
              {"batch": {"runId": "{{{run}}}", "scalars": [], "layerPoints": [{"step": 1, "metric": "amax", "role": "input"}]}},
              {"batch": {"runId": "{{{run}}}", "scalars": [{"step": 1, "metric": "loss", "value": 2}], "layerPoints": []}}
            ]}
            """;

        var (_, events) = LiveEnvelopeCodec.Decode(Encoding.UTF8.GetBytes(json));

        var only = Assert.IsType<MetricsEvent>(Assert.Single(events));
        Assert.Equal(1, Assert.Single(only.Batch.Scalars).Step);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    public void Decode_NotAnEnvelope_ThrowsJsonException(string message) =>
        Assert.ThrowsAny<JsonException>(() => LiveEnvelopeCodec.Decode(Encoding.UTF8.GetBytes(message)));
}
