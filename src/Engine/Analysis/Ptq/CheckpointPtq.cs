using QuantScope.Engine.Evaluation;
using QuantScope.Engine.Model;
using QuantScope.Engine.Quantization;
using QuantScope.Engine.Training;
using static TorchSharp.torch;

namespace QuantScope.Engine.Analysis.Ptq;

/// <summary>
/// One model built with a PTQ evaluation plan, into which a run's checkpoints are loaded. Switching its layers'
/// quantization on and off gives the unquantized checkpoint (all off), the quantized one (all on) and one layer at a
/// time (sensitivity) from a single load. Not thread-safe: use it on one thread (TorchSharp scopes are thread-static).
/// </summary>
internal sealed class CheckpointPtq : IDisposable
{
    private readonly TrainConfig _config;
    private readonly ExperimentData _data;
    private readonly int _windows;
    private readonly LlamaForCausalLM _model;
    private readonly bool[] _quantized;

    /// <summary>
    /// Builds the run's model (size, seed, precision) with <paramref name="evaluationPlan"/> (<see cref="PtqPlans.ForEvaluation"/>)
    /// on the run's device setting (<see cref="TrainConfig.Device"/>; not given = auto).
    /// </summary>
    public CheckpointPtq(TrainConfig config, ExperimentData data, QuantPlan evaluationPlan, int heldOutWindows = 16)
    {
        _config = config;
        _data = data;
        _windows = heldOutWindows;
        _model = new LlamaForCausalLM(config.Model, evaluationPlan, config.Seed, Devices.RunDevice.Resolve(config.Device ?? Devices.DeviceSetting.Auto).Device);
        if (config.Precision == Training.Precision.Bf16) _model.SetComputeType(ScalarType.BFloat16);
        foreach (var (_, layer) in _model.QuantizedLayers) layer.Probe.CollectStats = false; // evaluation only: no diagnostics
        _quantized = _model.QuantizedLayers.Select(l => l.Layer.IsQuantized).ToArray();
        QuantizedLayers = _model.QuantizedLayers.Where((_, i) => _quantized[i]).Select(l => l.Name).ToArray();
    }

    /// <summary>The model (tests and outlier metrics).</summary>
    public LlamaForCausalLM Model => _model;

    /// <summary>Layers the plan quantizes, in forward order.</summary>
    public IReadOnlyList<string> QuantizedLayers { get; }

    /// <summary>Plan warnings: rules that matched nothing, block-size fallbacks.</summary>
    public IReadOnlyList<string> PlanWarnings => _model.EffectivePlan.Warnings;

    /// <summary>Loads a checkpoint's parameters (<see cref="ParameterCheckpoint"/>).</summary>
    public void Load(string path) => ParameterCheckpoint.Load(_model, path);

    /// <summary>Held-out loss (nats per token) with quantization on for the layers <paramref name="on"/> selects (by index in forward order).</summary>
    public double Loss(Func<int, bool> on)
    {
        Switch(on);
        return Evaluator.HeldOutLoss(_model, _data.Main.HeldOut, _config.SeqLen, _windows);
    }

    /// <summary>Loss, probes and tasks, quantized (every planned layer) or not.</summary>
    public PtqMetrics Measure(bool quantized)
    {
        var loss = Loss(_ => quantized);
        // As EvaluationStep: a continuation must fit the context with at least one token before it.
        var room = _model.Config.ContextLength - 1;
        bool Fits(string s) => _data.Tokenizer.Encode(s).Length <= room; // tokens of the run's own tokenizer
        var probes = _data.Probes.Where(p => Fits(p.Answer)).ToArray();
        double? probe = probes.Length > 0 ? Evaluator.ProbeAccuracy(_model, probes, _data.Tokenizer) : null;
        var tasks = _data.Tasks
            .Select(t => t with { Items = t.Items.Where(i => i.Choices.All(Fits)).ToArray() })
            .Where(t => t.Items.Count > 0)
            .Select(t => Evaluator.Score(_model, t, _data.Tokenizer))
            .ToArray();
        return new PtqMetrics(loss, probe, tasks.Length > 0 ? tasks.Average(t => t.Acc) : null, tasks);
    }

    /// <summary>Quantizes each planned layer alone and ranks the layers by loss damage (ties by forward order).</summary>
    /// <param name="baselineLoss">The unquantized loss of the loaded checkpoint.</param>
    /// <param name="progress">Reports one unit per layer.</param>
    /// <param name="ct">Checked between layers.</param>
    public IReadOnlyList<LayerSensitivity> Sensitivity(double baselineLoss, IProgress<PtqProgress>? progress, CancellationToken ct)
    {
        var indices = Enumerable.Range(0, _quantized.Length).Where(i => _quantized[i]).ToArray();
        var measured = new List<(string Layer, double Loss)>();
        foreach (var index in indices)
        {
            ct.ThrowIfCancellationRequested();
            measured.Add((_model.QuantizedLayerNames[index], Loss(i => i == index)));
            progress?.Report(new PtqProgress("sensitivity", measured.Count, indices.Length));
        }

        return measured.Select((m, order) => (m, order))
            .OrderByDescending(x => x.m.Loss).ThenBy(x => x.order)
            .Select((x, rank) => new LayerSensitivity(x.m.Layer, x.m.Loss, x.m.Loss - baselineLoss, rank + 1))
            .ToArray();
    }

    /// <summary>Outlier metrics of the loaded checkpoint's quantized layers on <paramref name="rows"/> calibration sequences of the main training data.</summary>
    public IReadOnlyList<LayerOutliers> Outliers(int rows)
    {
        var window = _config.SeqLen;
        var starts = Evaluator.WindowStarts(_data.Main.Train.Length, window, rows);
        var calibration = starts.Select(s => _data.Main.Train[s..(s + window)]).ToArray();
        var quantized = QuantizedLayers.ToHashSet();
        return OutlierMetrics.Compute(_model, calibration).Where(o => quantized.Contains(o.Layer)).ToArray();
    }

    private void Switch(Func<int, bool> on)
    {
        var layers = _model.QuantizedLayers;
        for (var i = 0; i < layers.Count; i++) layers[i].Layer.QuantizationEnabled = _quantized[i] && on(i);
    }

    /// <inheritdoc />
    public void Dispose() => _model.Dispose();
}
