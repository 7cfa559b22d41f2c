using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Engine.Numerics;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using QuantScope.Web.Runs;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Sweeps;

/// <summary>Reads a stored run's summary, config and effective plan into <see cref="SweepMetricsDto"/>.</summary>
public static class SweepMetricsReader
{
    /// <summary>The run's metrics; fields whose source is missing or unreadable are null.</summary>
    public static SweepMetricsDto Read(RunEntity run)
    {
        var summary = StoredJson.Parse<RunSummary>(run.SummaryJson);
        var config = StoredJson.Parse<TrainConfig>(run.ConfigJson);
        var (group, bits) = WeightFormat(run, config);

        var final = summary?.FinalLoss;
        var twin = summary?.Baseline?.FinalLoss;
        var forgetting = summary?.Forgetting;
        var drops = summary?.Tasks?.Where(t => t.RelativeDropPct is not null).Select(t => t.RelativeDropPct!.Value).ToList();
        // D counts the steps that ran (all of them for a completed run).
        var steps = summary is { Steps: > 0 } ? summary.Steps : config?.Steps;
        long? tokens = config is null || steps is null ? null : (long)steps.Value * config.BatchSize * config.SeqLen;
        return new SweepMetricsDto(
            final, twin, final - twin, summary?.LossApe?.MeanPct, summary?.LossApe?.LastPct,
            forgetting is null ? null : forgetting.HeldOutLossEnd - forgetting.HeldOutLossStart,
            forgetting is null ? null : forgetting.ProbeAccuracyStart - forgetting.ProbeAccuracyEnd,
            drops is { Count: > 0 } ? drops.Average() : null,
            config?.Model?.ParameterCount(), tokens, group, bits);
    }

    /// <summary>
    /// G and P of the run's weights: the most common per-group INT weight format of its effective plan (or, before
    /// the plan is known, of its config's plan with every rule taken as written).
    /// </summary>
    private static (int? Group, int? Bits) WeightFormat(RunEntity run, TrainConfig? config)
    {
        var formats = StoredJson.Parse<EffectivePlanDto>(run.PlanJson)?.Entries?
            .Where(e => e.Role == TensorRoles.Weight).Select(e => e.Format).ToList();
        if (formats is not { Count: > 0 } && config?.Quant is not null)
        {
            try
            {
                formats = config.ResolvePlan().Rules.Where(r => r.Role == TensorRole.Weight).Select(r => r.Format.Name).ToList();
            }
            catch (ArgumentException)
            {
                formats = null;
            }
        }

        var ints = (formats ?? []).Select(f => NumberFormats.TryGet(f, out var n) ? n as IntFormat : null).OfType<IntFormat>().ToList();
        var grouped = ints.Where(f => f.Granularity == IntGranularity.PerGroup).GroupBy(f => (f.GroupSize, f.Bits)).MaxBy(g => g.Count())?.Key;
        if (grouped is { } g) return (g.GroupSize, g.Bits);
        return (null, ints.GroupBy(f => f.Bits).MaxBy(x => x.Count())?.Key);
    }
}
