using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Model.Hf;

/// <summary>
/// A 1-layer model with grouped-query attention, tied embeddings and random norm weights, computed by hand in float64
/// loops (RMSNorm, rotate-half rotary, each query head reading key/value head h / (H / Hkv), causal softmax, SwiGLU)
/// and compared with the engine's forward.
/// </summary>
public class HandForwardTests
{
    private static readonly ModelConfig Config = new()
    {
        Layers = 1, DModel = 8, Heads = 4, KvHeads = 2, FfnDim = 6, VocabSize = 7, ContextLength = 8, NormEps = 1e-5, RopeTheta = 100, TieWordEmbeddings = true,
    };

    [Fact]
    public void Forward_OneLayerGqaTied_MatchesHandComputation()
    {
        using var model = new LlamaForCausalLM(Config, QuantPlan.HighPrecision, seed: 5);
        using (no_grad())
        {
            using var generator = new Generator(9, CPU);
            foreach (var (name, p) in model.named_parameters().Where(p => p.name.EndsWith("norm.weight", StringComparison.Ordinal)))
                p.copy_(rand(p.shape, generator: generator).add_(0.5)); // not all ones: the norm weight must be applied
        }

        int[] tokens = [3, 0, 6, 3, 1];
        using var input = tensor(tokens.Select(t => (long)t).ToArray(), [1, tokens.Length]);
        using var logits = model.forward(input);
        var actual = TensorAssert.Floats(logits);
        var expected = Hand(model, tokens);
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-5, $"logit {i}: hand {expected[i]}, engine {actual[i]}");
    }

    private static double[] Hand(LlamaForCausalLM model, int[] tokens)
    {
        var w = model.named_parameters().ToDictionary(p => p.name, p => Matrix(p.parameter));
        int d = Config.DModel, heads = Config.Heads, kvHeads = 2, hd = d / heads, T = tokens.Length;
        var embed = w["model.embed_tokens.weight"];
        var x = tokens.Select(t => embed[t].ToArray()).ToArray(); // [T, d]
        var normed = x.Select(r => RmsNorm(r, w["model.layers.0.input_layernorm.weight"][0])).ToArray();
        var q = normed.Select(r => MatVec(w["model.layers.0.self_attn.q_proj.weight"], r)).ToArray(); // [T, heads·hd]
        var k = normed.Select(r => MatVec(w["model.layers.0.self_attn.k_proj.weight"], r)).ToArray(); // [T, kvHeads·hd]
        var v = normed.Select(r => MatVec(w["model.layers.0.self_attn.v_proj.weight"], r)).ToArray();
        for (var t = 0; t < T; t++)
        {
            for (var h = 0; h < heads; h++) Rotate(q[t], h * hd, hd, t);
            for (var h = 0; h < kvHeads; h++) Rotate(k[t], h * hd, hd, t);
        }

        var merged = new double[T][];
        for (var t = 0; t < T; t++)
        {
            merged[t] = new double[d];
            for (var h = 0; h < heads; h++)
            {
                var g = h / (heads / kvHeads); // the key/value head this query head reads
                var scores = Enumerable.Range(0, t + 1).Select(s => Enumerable.Range(0, hd).Sum(i => q[t][h * hd + i] * k[s][g * hd + i]) / Math.Sqrt(hd)).ToArray();
                var max = scores.Max();
                var e = scores.Select(s => Math.Exp(s - max)).ToArray();
                var sum = e.Sum();
                for (var s = 0; s <= t; s++)
                    for (var i = 0; i < hd; i++) merged[t][h * hd + i] += e[s] / sum * v[s][g * hd + i];
            }
        }

        var h1 = x.Select((r, t) => Add(r, MatVec(w["model.layers.0.self_attn.o_proj.weight"], merged[t]))).ToArray();
        var h2 = h1.Select(r =>
        {
            var n = RmsNorm(r, w["model.layers.0.post_attention_layernorm.weight"][0]);
            var gate = MatVec(w["model.layers.0.mlp.gate_proj.weight"], n);
            var up = MatVec(w["model.layers.0.mlp.up_proj.weight"], n);
            var product = gate.Select((gv, i) => gv / (1 + Math.Exp(-gv)) * up[i]).ToArray(); // silu(gate) · up
            return Add(r, MatVec(w["model.layers.0.mlp.down_proj.weight"], product));
        }).ToArray();
        return h2.SelectMany(r => MatVec(embed, RmsNorm(r, w["model.norm.weight"][0]))).ToArray(); // tied lm_head
    }

    private static void Rotate(double[] x, int offset, int hd, int position)
    {
        // Rotate-half layout: dims i and i + hd/2 form a pair rotated by position · theta^(-2i/hd).
        for (var i = 0; i < hd / 2; i++)
        {
            var angle = position * Math.Pow(Config.RopeTheta, -2.0 * i / hd);
            var (a, b) = (x[offset + i], x[offset + i + hd / 2]);
            x[offset + i] = a * Math.Cos(angle) - b * Math.Sin(angle);
            x[offset + i + hd / 2] = b * Math.Cos(angle) + a * Math.Sin(angle);
        }
    }

    private static double[] RmsNorm(double[] x, double[] weight)
    {
        var inverse = 1 / Math.Sqrt(x.Sum(v => v * v) / x.Length + Config.NormEps);
        return x.Select((v, i) => v * inverse * weight[i]).ToArray();
    }

    private static double[] MatVec(double[][] m, double[] x) => m.Select(row => row.Select((r, i) => r * x[i]).Sum()).ToArray();

    private static double[] Add(double[] a, double[] b) => a.Select((v, i) => v + b[i]).ToArray();

    private static double[][] Matrix(Tensor p)
    {
        var values = TensorAssert.Floats(p);
        var cols = p.shape.Length == 1 ? values.Length : (int)p.shape[1];
        return Enumerable.Range(0, values.Length / cols).Select(r => values.Skip(r * cols).Take(cols).Select(v => (double)v).ToArray()).ToArray();
    }
}
