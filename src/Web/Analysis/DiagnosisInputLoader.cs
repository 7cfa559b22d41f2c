using System.Text.Json;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Analysis.Diagnosis;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Api;
using QuantScope.Web.Runs;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Analysis;

/// <summary>
/// Reads what the detectors need for one run from the store, through the public repository APIs only: the scalar
/// series they use, the per-layer heatmaps they use (one query each), the requested config (engine runs only: an
/// imported run's config is not ours) and the effective plan.
/// </summary>
public sealed class DiagnosisInputLoader(RunRepository runs, MetricSeriesRepository series)
{
    private static readonly string[] ScalarMetrics =
    [
        MetricCatalog.Loss, MetricCatalog.BaselineLoss, MetricCatalog.LossApe, MetricCatalog.HeldOutLoss, MetricCatalog.BaselineHeldOutLoss,
        MetricCatalog.ProbeAccuracy, MetricCatalog.BaselineProbeAccuracy,
    ];

    private static readonly string[] LayerMetrics =
    [
        MetricCatalog.Amax, MetricCatalog.AmaxPred, MetricCatalog.SaturationEvent, MetricCatalog.OverflowFraction, MetricCatalog.UnderflowFraction,
        MetricCatalog.SqnrDb, // the keep-list's fallback error
    ];

    private static readonly string[] InputOnlyMetrics =
        [MetricCatalog.Kurtosis, MetricCatalog.ChannelRatio, MetricCatalog.ErrorInputOnly, MetricCatalog.ErrorWeightOnly, MetricCatalog.ErrorBoth];

    /// <summary>The run's input, or null when no run has <paramref name="id"/>.</summary>
    public async Task<DiagnosisInput?> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await runs.GetAsync(id, ct) is not { } run) return null;
        var scalars = new Dictionary<string, StepSeries>();
        foreach (var metric in ScalarMetrics)
        {
            var points = await series.ReadScalarAsync(id, metric, ct);
            if (points.Count > 0) scalars[metric] = new StepSeries(points.Select(p => p.Step).ToArray(), points.Select(p => p.Value).ToArray());
        }

        var layers = new Dictionary<string, LayerSeries>();
        var wanted = TensorRoles.All.SelectMany(r => LayerMetrics.Select(m => (m, r))).Concat(InputOnlyMetrics.Select(m => (m, TensorRoles.Input)));
        foreach (var (metric, role) in wanted)
        {
            var heatmap = await series.ReadHeatmapAsync(id, metric, role, ct);
            if (heatmap.Steps.Length > 0) layers[DiagnosisInput.Key(metric, role)] = new LayerSeries(heatmap.Steps, heatmap.Values);
        }

        var plan = ReadPlan(run.PlanJson);
        return new DiagnosisInput
        {
            Layers = run.GetLayers(),
            Scalars = scalars,
            LayerMetrics = layers,
            Requested = ReadRequested(run),
            Plan = plan?.Entries ?? [],
            PlanWarnings = plan?.Warnings ?? [],
            RunError = run.Error,
            Divergence = Compare.RunOverviews.ReadSummary(run.SummaryJson)?.Divergence,
        };
    }

    /// <summary>What an engine run asked for; null for other kinds or an unreadable config.</summary>
    public static RequestedSettings? ReadRequested(RunEntity run)
    {
        if (run.Kind != RunKinds.Engine) return null;
        var (config, _) = ConfigReader.Read(run.ConfigJson);
        return config is null ? null : RequestedSettings.From(config.Config);
    }

    /// <summary>The stored effective plan, or null when the run has none (<c>{}</c>) or it cannot be read.</summary>
    public static EffectivePlanDto? ReadPlan(string? json)
    {
        if (string.IsNullOrWhiteSpace(json) || json.Trim() == "{}") return null;
        try
        {
            var plan = JsonSerializer.Deserialize<EffectivePlanDto>(json, JsonDefaults.Options);
            return plan?.Entries is null ? null : plan with { Warnings = plan.Warnings ?? [] };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
