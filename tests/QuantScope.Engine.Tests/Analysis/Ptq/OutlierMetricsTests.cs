using QuantScope.Engine.Analysis.Ptq;
using QuantScope.Engine.Evaluation;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Analysis.Ptq;

public class OutlierMetricsTests
{
    [Fact]
    public void ActivationProbe_TinyModel_SameHiddenStateAsTheModel()
    {
        using var model = new LlamaForCausalLM(ModelConfig.Tiny, QuantPlan.HighPrecision, seed: 3);
        using var scope = NewDisposeScope();
        using var mode = new EvalModeScope(model);
        var tokens = randint(0, 256, [2, 16], ScalarType.Int64, generator: new Generator(5, CPU));
        var stack = (LlamaModel)model.named_modules().Single(m => m.name == "model").module;

        var (inputs, hidden) = ActivationProbe.Run(model, tokens);

        Assert.True(hidden.allclose(stack.forward(tokens), rtol: 1e-5, atol: 1e-6));
        Assert.Equal(model.QuantizedLayerNames.Order(), inputs.Keys.Order());
        Assert.Equal([2L, 16, 64], inputs["model.layers.1.mlp.down_proj"].shape); // the SwiGLU product, ffn width
    }

    [Fact]
    public void Kurtosis_TwoPointSymmetric_IsOne()
    {
        using var x = tensor(new double[] { -2, 2, -2, 2 });
        Assert.Equal(1.0, OutlierMetrics.Kurtosis(x).item<double>(), 12);
    }

    [Fact]
    public void SpectralNorm_Diagonal_IsLargestEntry()
    {
        using var w = diag(tensor(new double[] { 1, -5, 3 }));
        Assert.Equal(5.0, OutlierMetrics.SpectralNorm(w, new Generator(0, CPU)).item<double>(), 6);
    }

    [Fact]
    public void GainSpread_MaxOverMedianOfAbsoluteValues()
    {
        using var g = tensor(new double[] { 1, -2, 8 });
        Assert.Equal(4.0, OutlierMetrics.GainSpread(g).item<double>(), 12);
    }

    [Theory]
    [InlineData("model.layers.1.self_attn.q_proj", "model.layers.1.input_layernorm.weight")]
    [InlineData("model.layers.0.mlp.up_proj", "model.layers.0.post_attention_layernorm.weight")]
    [InlineData("model.layers.0.self_attn.o_proj", null)]
    [InlineData("model.layers.0.mlp.down_proj", null)]
    public void NormFeeding_Layer_TheNormWhoseOutputItReads(string layer, string? norm)
    {
        Assert.Equal(norm, OutlierMetrics.NormFeeding(layer));
    }
}
