using QuantScope.Engine.Analysis.Laws;
using QuantScope.Engine.Model;
using QuantScope.Engine.Training;
using QuantScope.Engine.Training.Sweeps;
using QuantScope.Web.Runs;
using QuantScope.Web.Sweeps;

namespace QuantScope.Web.Tests.Sweeps;

/// <summary>Stores a finished sweep whose summaries are written through the repository: deltas from a known Chen law.</summary>
internal static class SweepSeed
{
    public static readonly int[] Widths = [32, 64];
    public static readonly int[] Steps = [50, 200];
    public static readonly int[] Groups = [16, 32, 64];

    /// <summary>2 widths × 2 step counts × 3 group sizes = 12 completed runs; delta from <c>chen2025-w4a4</c> times 1 ± 2 %.</summary>
    public static async Task<Guid> StoreAsync(RunRepository runs, int count = 12, bool twin = true)
    {
        var sweepId = Guid.NewGuid();
        ScalingLaws.TryGet("chen2025-w4a4", out var law);
        var index = 0;
        foreach (var width in Widths)
        foreach (var steps in Steps)
        foreach (var group in Groups)
        {
            if (index >= count) return sweepId;
            var config = new TrainConfig { Name = $"seed {index}", Model = ModelConfig.Tiny with { DModel = width, FfnDim = 2 * width }, Steps = steps, BatchSize = 4, SeqLen = 32 };
            var n = config.Model.ParameterCount();
            var d = (double)steps * 4 * 32;
            var delta = law.Evaluate(new LawInput(n, d, group)) * (1 + 0.02 * Math.Sin(7.0 * index));
            var id = Guid.NewGuid();
            await new EngineRunRecorder(runs).CreateAsync(id, config, CancellationToken.None);
            var settings = new[]
            {
                SweepSetting.Of("model.dModel", width), SweepSetting.Of("steps", steps), SweepSetting.Of("quant.format", $"int4-g{group}"),
            };
            await runs.EditAsync(id, null, SweepTags.For(sweepId, "seeded", index, settings), null, CancellationToken.None);
            var plan = new EffectivePlanDto("w4a4-g128", [new PlanEntry("model.layers.0.mlp.up_proj", TensorRoles.Weight, $"int4-g{group}", "block", null)], []);
            await runs.SetPlanAsync(id, JsonSerializer.Serialize(plan, JsonDefaults.Options), CancellationToken.None);
            var summary = new RunSummary(id, RunStatus.Completed, steps, 3.0 + delta, twin ? new BaselineSummary(3.0) : null, null, null, null, []);
            await runs.SetSummaryAsync(id, JsonSerializer.Serialize(summary, JsonDefaults.Options), CancellationToken.None);
            await runs.MarkEndedAsync(id, RunStatus.Completed, null, CancellationToken.None);
            index++;
        }

        return sweepId;
    }
}
