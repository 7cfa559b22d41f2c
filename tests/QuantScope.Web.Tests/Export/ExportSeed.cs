namespace QuantScope.Web.Tests.Export;

/// <summary>
/// A finished run written straight into a store: three layers, ten steps of <c>overflowFraction</c> (input) whose last
/// step covers two layers only, one NaN cell, a weight-role metric, a loss series and a summary.
/// </summary>
internal static class ExportSeed
{
    public const string RunName = "fp8 export run";
    public const int Steps = 10;
    public static readonly string[] Layers = ["model.layers.0.self_attn.q_proj", "model.layers.0.mlp.down_proj", "model.layers.1.mlp.down_proj"];
    public const string ConfigJson = """{"name":"fp8 export run","steps":10}""";
    public const string PlanJson = """{"entries":[{"layer":"model.layers.*","format":"e4m3"}]}""";
    public const string SummaryJson = """{"finalLoss":2.5}""";

    /// <summary>The stored <c>overflowFraction</c>/input value of layer <paramref name="l"/> at <paramref name="step"/> (NaN: not measured).</summary>
    public static float Overflow(int l, int step) =>
        (l, step) == (1, 4) || (l == 2 && step == Steps - 1) ? float.NaN : (l + 1) * 0.1f + step * 0.0137f / 3f;

    /// <summary>The stored loss at <paramref name="step"/>.</summary>
    public static float Loss(int step) => 4f / (step + 1.7f);

    /// <summary>The stored <c>weightNorm</c>/weight value of layer <paramref name="l"/> at <paramref name="step"/>.</summary>
    public static float WeightNorm(int l, int step) => 10f + l + step / 7f;

    public static async Task<Guid> WriteAsync(RunRepository runs, MetricSeriesWriter writer)
    {
        var id = Guid.NewGuid();
        await runs.CreateAsync(new RunEntity
        {
            Id = id,
            Name = RunName,
            Kind = RunKinds.Engine,
            Status = RunStatus.Completed,
            ConfigJson = ConfigJson,
            PlanJson = PlanJson,
            SummaryJson = SummaryJson,
            LayersJson = RunLayers.Serialize(Layers),
            CreatedAt = DateTime.UtcNow,
        }, CancellationToken.None);

        var scalars = new List<ScalarPoint>();
        var layerPoints = new List<LayerPoint>();
        for (var s = 0; s < Steps; s++)
        {
            scalars.Add(new ScalarPoint(s, MetricCatalog.Loss, Loss(s)));
            var width = s == Steps - 1 ? 2 : Layers.Length; // an array shorter than the layer list
            layerPoints.Add(new LayerPoint(s, MetricCatalog.OverflowFraction, TensorRoles.Input, [.. Enumerable.Range(0, width).Select(l => Overflow(l, s))]));
            layerPoints.Add(new LayerPoint(s, MetricCatalog.WeightNorm, TensorRoles.Weight, [.. Enumerable.Range(0, Layers.Length).Select(l => WeightNorm(l, s))]));
        }
        await writer.WriteAsync([new MetricBatch(id, scalars, layerPoints)], CancellationToken.None);
        return id;
    }
}
