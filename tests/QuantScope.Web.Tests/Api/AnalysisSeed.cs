using QuantScope.Web.Runs;

namespace QuantScope.Web.Tests.Api;

/// <summary>Stores runs with hand-built amax series for the diagnosis and replay endpoint tests.</summary>
internal static class AnalysisSeed
{
    public static readonly string[] Layers = ["model.layers.0.mlp.up_proj", "model.layers.0.mlp.down_proj", "model.layers.1.mlp.down_proj"];

    /// <summary>amax of layer 1 spikes every 6 steps; the others are flat. Events are amax &gt; previous amax (most_recent).</summary>
    public static float Amax(int step, int layer) => layer == 1 && step % 6 == 5 ? 40f : 1f + layer;

    public static async Task<Guid> RunAsync(QuantScopeWebFactory factory, string kind, string? recipe, bool spiky = true, int steps = 60)
    {
        var id = Guid.NewGuid();
        var runs = factory.Services.GetRequiredService<RunRepository>();
        await runs.CreateAsync(new RunEntity
        {
            Id = id, Name = "analysis", Kind = kind, Status = RunStatus.Completed, ConfigJson = "{}",
            LayersJson = RunLayers.Serialize(Layers), CreatedAt = DateTime.UtcNow,
        }, CancellationToken.None);
        if (recipe is not null)
        {
            var plan = new EffectivePlanDto("custom", Layers.Select(l => new PlanEntry(l, TensorRoles.Input, "e4m3", recipe, null)).ToArray(), []);
            await runs.SetPlanAsync(id, JsonSerializer.Serialize(plan, JsonDefaults.Options), CancellationToken.None);
        }

        float A(int s, int l) => spiky ? Amax(s, l) : 1f + l;
        var batches = Enumerable.Range(0, steps).Select(s => new MetricBatch(id,
            [new ScalarPoint(s, MetricCatalog.Loss, 3f - s * 0.01f)],
            [
                new LayerPoint(s, MetricCatalog.Amax, TensorRoles.Input, Layers.Select((_, l) => A(s, l)).ToArray()),
                new LayerPoint(s, MetricCatalog.AmaxPred, TensorRoles.Input, Layers.Select((_, l) => s == 0 ? A(0, l) : A(s - 1, l)).ToArray()),
                new LayerPoint(s, MetricCatalog.SaturationEvent, TensorRoles.Input, Layers.Select((_, l) => s > 0 && A(s, l) > A(s - 1, l) ? 1f : 0f).ToArray()),
            ])).ToArray();
        await factory.Services.GetRequiredService<MetricSeriesWriter>().WriteAsync(batches, CancellationToken.None);
        return id;
    }
}
