using TorchSharp;
using QuantScope.Engine.Evaluation;
using QuantScope.Engine.Model;
using static TorchSharp.torch;
using QuantScope.Engine.Numerics;

namespace QuantScope.Engine.Analysis.Ptq;

/// <summary>
/// Checkpoint outlier metrics per quantized layer (<see cref="LayerOutliers"/>): RMSNorm gain spread, weight kurtosis,
/// weight spectral norm and input activation std on a calibration batch. All scalars go to the host in one copy.
/// </summary>
public static class OutlierMetrics
{
    // Numbers handed to TorchSharp are Scalars held here (see Numerics/ScalarOps: a temporary can be freed mid-call).
    private static readonly Scalar Four = 4.ToScalar(), Tiny = 1e-30.ToScalar();

    /// <summary>Power iterations for the spectral norm (converges fast for the top singular value of trained weights).</summary>
    public const int PowerIterations = 12;

    /// <summary>
    /// The metrics of every quantized layer of <paramref name="model"/> (its quantization switched off for the
    /// activations: they are the unquantized model's). <paramref name="calibration"/> are token rows of equal length.
    /// </summary>
    public static IReadOnlyList<LayerOutliers> Compute(LlamaForCausalLM model, IReadOnlyList<int[]> calibration)
    {
        var layers = model.QuantizedLayers;
        var enabled = layers.Select(l => l.Layer.QuantizationEnabled).ToArray();
        foreach (var (_, layer) in layers) layer.QuantizationEnabled = false;
        try
        {
            using var mode = new EvalModeScope(model);
            using var scope = NewDisposeScope();
            var rows = calibration.Select(r => r.Select(v => (long)v).ToArray()).ToArray();
            var tokens = tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length], ScalarType.Int64, device: model.Device);
            var (inputs, _) = ActivationProbe.Run(model, tokens);
            var norms = model.named_parameters().Where(p => p.name.EndsWith("layernorm.weight", StringComparison.Ordinal))
                .ToDictionary(p => p.name, p => p.parameter);
            using var generator = new Generator(0, CPU); // power-iteration start vectors: deterministic
            var values = new List<Tensor>();
            foreach (var (name, layer) in layers)
            {
                var w = layer.Weight.detach().to(ScalarType.Float64);
                var norm = NormFeeding(name) is { } n ? norms[n] : null;
                values.Add(norm is null ? full(Array.Empty<long>(), NaN64, dtype: ScalarType.Float64, device: model.Device) : GainSpread(norm.detach().to(ScalarType.Float64)));
                values.Add(Kurtosis(w));
                values.Add(SpectralNorm(w, generator));
                values.Add(inputs[name].to(ScalarType.Float64).std());
            }

            var host = stack(values).cpu().data<double>().ToArray(); // the one device->host copy
            return layers.Select((l, i) => new LayerOutliers(l.Name, double.IsNaN(host[4 * i]) ? null : host[4 * i],
                host[4 * i + 1], host[4 * i + 2], host[4 * i + 3])).ToArray();
        }
        finally
        {
            for (var i = 0; i < layers.Count; i++) layers[i].Layer.QuantizationEnabled = enabled[i];
        }
    }

    /// <summary>The parameter name of the RMSNorm whose output is the layer's input, or null.</summary>
    public static string? NormFeeding(string layer)
    {
        var cut = layer.IndexOf(".self_attn.", StringComparison.Ordinal);
        if (cut > 0 && !layer.EndsWith(".o_proj", StringComparison.Ordinal)) return layer[..cut] + ".input_layernorm.weight";
        cut = layer.IndexOf(".mlp.", StringComparison.Ordinal);
        if (cut > 0 && !layer.EndsWith(".down_proj", StringComparison.Ordinal)) return layer[..cut] + ".post_attention_layernorm.weight";
        return null;
    }

    /// <summary>max |g| / median |g| (torch's lower median for even counts); 0-d.</summary>
    internal static Tensor GainSpread(Tensor gain)
    {
        var a = gain.abs();
        return a.max().div(a.median());
    }

    /// <summary>Pearson kurtosis E[(x-μ)^4] / E[(x-μ)^2]^2 over all elements; 0-d.</summary>
    internal static Tensor Kurtosis(Tensor x)
    {
        var c = x.flatten().sub(x.mean());
        var m2 = c.pow(ScalarOps.Two).mean(); // square() would pass a temporary 2
        return c.pow(Four).mean().div(m2.pow(ScalarOps.Two));
    }

    /// <summary>Largest singular value of W [out, in] by <see cref="PowerIterations"/> power iterations; 0-d.</summary>
    private static readonly TorchSharp.Scalar NaN64 = double.NaN.ToScalar(); // held (see Numerics/ScalarOps)

    internal static Tensor SpectralNorm(Tensor w, Generator generator)
    {
        var v = randn([w.shape[1]], ScalarType.Float64, generator: generator).to(w.device); // drawn on the CPU: the same start on every device
        v = v.div(v.norm());
        for (var i = 0; i < PowerIterations; i++)
        {
            var u = w.mv(v);
            u = u.div(u.norm().clamp_min(Tiny));
            v = w.t().mv(u);
            v = v.div(v.norm().clamp_min(Tiny));
        }

        return w.mv(v).norm();
    }
}
