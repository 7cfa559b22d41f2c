using QuantScope.Engine.Quantization;
using QuantScope.Engine.Telemetry;
using static TorchSharp.torch;

namespace QuantScope.Engine.Training;

/// <summary>
/// Calibration during the BF16 warmup (Transformer Engine's <c>fp8_autocast(calibrating=True)</c>): the warmup runs in
/// high precision but its input, weight and output-gradient amax are recorded (the trainer logs them anyway), and when QAT starts each
/// delayed-scaling history is filled with the last H of them, oldest first, instead of starting empty. The first
/// quantized steps then scale from a full window, as every later step does; a history that starts empty predicts from
/// one or two steps and saturates whenever the next batch's amax is larger (the "no warmup" failure).
/// A gradient's amax is that of the warmup step's backward pass, so its history starts from the warmup's gradients.
/// A run resumed inside its warmup calibrates from the warmup steps it ran after the resume.
/// </summary>
internal sealed class WarmupCalibration(int warmupSteps, int capacity)
{
    private readonly Dictionary<string, SortedDictionary<int, float[]>> _amax = new(StringComparer.Ordinal)
    {
        [TensorRoles.Input] = new(),
        [TensorRoles.Weight] = new(),
        [TensorRoles.GradOutput] = new(),
    };

    /// <summary>Takes the warmup steps' amax (per layer, in telemetry order) from an emitted batch.</summary>
    public void Take(MetricBatch batch)
    {
        foreach (var p in batch.LayerPoints)
        {
            if (p.Step >= warmupSteps || p.Metric != MetricCatalog.Amax || !_amax.TryGetValue(p.Role, out var series)) continue;
            series[p.Step] = p.Values;
            if (series.Count > capacity) series.Remove(series.First().Key);
        }
    }

    /// <summary>
    /// Fills the delayed-scaling histories of <paramref name="layers"/> (telemetry order) from the recorded steps; call
    /// right after quantization was switched on (which emptied them). Returns the number of histories filled.
    /// </summary>
    public int Seed(IReadOnlyList<QuantLinear> layers)
    {
        var filled = 0;
        for (var l = 0; l < layers.Count; l++)
        {
            filled += Fill(layers[l].InputScaling, _amax[TensorRoles.Input], l);
            filled += Fill(layers[l].WeightScaling, _amax[TensorRoles.Weight], l);
            filled += Fill(layers[l].GradOutputScaling, _amax[TensorRoles.GradOutput], l);
        }

        return filled;
    }

    private static int Fill(DelayedScalingState? state, SortedDictionary<int, float[]> series, int layer)
    {
        if (state is null) return 0;
        var values = series.Values.Select(v => v[layer]).Where(v => float.IsFinite(v) && v > 0)
            .TakeLast(state.Recipe.AmaxHistoryLength).ToArray();
        foreach (var v in values)
        {
            // Once per layer and warmup step at the QAT switch, not in step code: a host value written to the device.
            using var amax = tensor(v, device: state.Scale.device);
            state.Update(amax);
        }

        return values.Length > 0 ? 1 : 0;
    }
}
