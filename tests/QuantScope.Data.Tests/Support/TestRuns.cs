namespace QuantScope.Data.Tests;

/// <summary>Small builders for runs and batches used across the tests.</summary>
public static class TestRuns
{
    public static readonly string[] Layers =
        ["model.layers.0.mlp.down_proj", "model.layers.1.mlp.down_proj", "model.layers.2.mlp.down_proj"];

    public static RunEntity New(string name = "run", DateTime? createdAt = null) => new()
    {
        Id = Guid.NewGuid(),
        Name = name,
        Kind = RunKinds.Engine,
        ConfigJson = """{"steps":200}""",
        CreatedAt = createdAt ?? DateTime.UtcNow,
    };

    public static MetricBatch Batch(Guid runId, ScalarPoint[]? scalars = null, LayerPoint[]? layerPoints = null) =>
        new(runId, scalars ?? [], layerPoints ?? []);
}
