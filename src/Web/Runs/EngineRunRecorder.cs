using System.Text.Json;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Runs;

/// <summary>
/// Writes an engine run's record the one way the dashboard and the <c>run</c> verb share: created pending with its
/// config, then its layers, effective plan and running once the trainer is built, then its summary. How the end is
/// recorded differs (the dashboard queues it behind the run's points; the CLI writes it after its own drain), so that
/// stays with the callers.
/// </summary>
public sealed class EngineRunRecorder(RunRepository runs)
{
    /// <summary>Inserts the run as pending, with <paramref name="config"/> stored in the house JSON dialect.</summary>
    public Task CreateAsync(Guid id, TrainConfig config, CancellationToken ct) => runs.CreateAsync(new RunEntity
    {
        Id = id,
        Name = config.Name,
        Kind = RunKinds.Engine,
        Status = RunStatus.Pending,
        ConfigJson = JsonSerializer.Serialize(config, JsonDefaults.Options),
        LayersJson = RunLayers.Empty,
        CreatedAt = DateTime.UtcNow,
        LastStep = -1,
    }, ct);

    /// <summary>Stores the trainer's layers and effective plan, then marks the run running.</summary>
    public async Task MarkStartedAsync(Guid id, Trainer trainer, CancellationToken ct)
    {
        await runs.SetLayersAsync(id, trainer.Layout.Layers, ct);
        var plan = new EffectivePlanDto(trainer.Config.ResolvePlan().Name, trainer.EffectivePlan, trainer.PlanWarnings, trainer.Device);
        await runs.SetPlanAsync(id, JsonSerializer.Serialize(plan, JsonDefaults.Options), ct);
        await runs.MarkRunningAsync(id, ct);
    }

    /// <summary>Stores the run's summary in the house JSON dialect (the same text <c>run --json</c> prints).</summary>
    public Task SetSummaryAsync(Guid id, RunSummary summary, CancellationToken ct) =>
        runs.SetSummaryAsync(id, JsonSerializer.Serialize(summary, JsonDefaults.Options), ct);
}
