using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Analysis.Diagnosis;
using QuantScope.Engine.Analysis.Replay;
using QuantScope.Engine.Quantization;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Api;

namespace QuantScope.Web.Analysis;

/// <summary>
/// Replays a stored run's per-step amax under other delayed-scaling settings (<see cref="DtsReplay"/>): per layer, the
/// saturation rate for every (algorithm, H), and the reproduction with the run's own settings where its plan names
/// them. Works on any run that stored <c>amax</c> (imported and external ones included; their own settings are unknown).
/// </summary>
public sealed class RunReplayer(RunRepository runs, MetricSeriesRepository series)
{
    /// <summary>Largest H accepted.</summary>
    public const int MaxHistoryLength = 65536;

    /// <summary>The replay; <c>Found</c> false for an unknown run; otherwise an error names the bad field.</summary>
    public async Task<(ReplayResponseDto? Result, bool Found, string? Field, string? Error)> ReplayAsync(Guid id, ReplayRequestDto request, CancellationToken ct)
    {
        if (await runs.GetAsync(id, ct) is not { } run) return (null, false, null, null);
        var role = request.Role ?? TensorRoles.Input;
        if (!TensorRoles.IsKnown(role)) return Bad("role", "must be input, weight or grad");
        var lengths = request.HistoryLengths ?? ReplaySweep.DefaultHistoryLengths;
        if (lengths.Count is 0 or > 32) return Bad("historyLengths", "must list 1 to 32 history lengths");
        foreach (var h in lengths)
            if (h is < 1 or > MaxHistoryLength) return Bad("historyLengths", $"{h} is not a history length between 1 and {MaxHistoryLength}");
        var names = request.Algorithms ?? ["max", "most_recent"];
        if (names.Count == 0) return Bad("algorithms", "must list at least one of max, most_recent, mean");
        var algorithms = new List<AmaxAlgorithm>();
        foreach (var name in names)
        {
            if (!RecipeText.TryParseAlgorithm(name, out var a)) return Bad("algorithms", $"'{name}' is not one of max, most_recent, mean");
            algorithms.Add(a);
        }

        var template = new ReplaySettings { Margin = request.Margin ?? 0, UpdatePeriod = request.UpdatePeriod ?? 1 };
        if (template.Validate() is { } invalid) return Bad(invalid.Field, invalid.Message);
        var layers = run.GetLayers();
        var selected = Enumerable.Range(0, layers.Count).ToArray();
        if (request.Layer is { } only)
        {
            var index = layers.ToList().IndexOf(only);
            if (index < 0) return Bad("layer", $"'{only}' is not a layer of this run");
            selected = [index];
        }

        var amax = await series.ReadHeatmapAsync(id, MetricCatalog.Amax, role, ct);
        if (amax.Steps.Length == 0) return Bad("role", $"the run has no amax series for the {role} role");
        var recorded = await series.ReadHeatmapAsync(id, MetricCatalog.SaturationEvent, role, ct);
        var plan = DiagnosisInputLoader.ReadPlan(run.PlanJson);
        var input = new DiagnosisInput
        {
            Layers = layers,
            Requested = DiagnosisInputLoader.ReadRequested(run),
            Plan = plan?.Entries ?? [],
            LayerMetrics = new Dictionary<string, LayerSeries>
            {
                [DiagnosisInput.Key(MetricCatalog.AmaxPred, role)] = ToSeries(await series.ReadHeatmapAsync(id, MetricCatalog.AmaxPred, role, ct)),
            },
        };
        var start = input.QatStart();
        var amaxSeries = ToSeries(amax);
        var result = new List<ReplayLayerDto>();
        var rates = new List<(string Layer, double Rate)>();
        foreach (var l in selected)
        {
            var column = amaxSeries.Column(l);
            if (!column.Any(float.IsFinite)) continue; // an unquantized layer of an imported run, say
            var own = Own(input.OwnSettings(layers[l], role), amaxSeries.Steps, column, recorded, l, start);
            var sweep = ReplaySweep.Run(amaxSeries.Steps, column, lengths, algorithms, template with { TargetMax = input.OwnSettings(layers[l], role)?.TargetMax ?? 448.0 }, start);
            result.Add(new ReplayLayerDto(layers[l], own, sweep.Select(c => new ReplayCellDto(
                RecipeText.AlgorithmName(c.Algorithm), c.HistoryLength, c.SaturationRate, c.Events, c.Measured, c.MeanExpectedOverflow)).ToArray()));
            var rate = own is not null && own.Measured > 0 ? (double)own.RecordedEvents / own.Measured : own?.SaturationRate ?? sweep[0].SaturationRate;
            rates.Add((layers[l], double.IsFinite(rate) ? rate : -1));
        }

        var worst = rates.Count == 0 ? null : rates.MaxBy(r => r.Rate).Layer;
        return (new ReplayResponseDto(role, start, worst, result), true, null, null);
    }

    private static ReplayOwnDto? Own(ReplaySettings? settings, int[] steps, float[] amax, Heatmap recorded, int layer, int start)
    {
        if (settings is null) return null;
        var replay = DtsReplay.Run(steps, amax, settings, start);
        var recordedAt = new Dictionary<int, float>();
        for (var k = 0; k < recorded.Steps.Length; k++)
            if (layer < recorded.Values[k].Length) recordedAt[recorded.Steps[k]] = recorded.Values[k][layer];
        int recordedEvents = 0, mismatches = 0;
        foreach (var p in replay.Points.Where(p => p.Saturated is not null))
        {
            var r = recordedAt.GetValueOrDefault(p.Step, float.NaN);
            if (r >= 0.5f) recordedEvents++;
            if (float.IsNaN(r) || (r >= 0.5f) != p.Saturated) mismatches++;
        }

        return new ReplayOwnDto(settings.ToString(), replay.Events, replay.Measured, replay.SaturationRate, recordedEvents, mismatches);
    }

    private static LayerSeries ToSeries(Heatmap heatmap) => new(heatmap.Steps, heatmap.Values);

    private static (ReplayResponseDto?, bool, string?, string?) Bad(string field, string message) => (null, true, field, message);
}
