using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Model;

public class LlamaForCausalLMTests
{
    private static LlamaForCausalLM Tiny(DelayedScalingRecipe? recipe = null, int seed = 1) =>
        new(ModelConfig.Tiny, QuantPlan.FromRecipe(recipe ?? new DelayedScalingRecipe()), seed);

    private static Tensor Tokens(long batch, long length, int seed)
    {
        using var generator = new Generator((ulong)seed, CPU);
        return randint(0, 256, [batch, length], generator: generator);
    }

    [Fact]
    public void Forward_TokenBatch_ReturnsLogitsBatchTimeVocab()
    {
        using var model = Tiny();
        using var tokens = Tokens(3, 7, 5);
        using var logits = model.forward(tokens);
        Assert.Equal([3L, 7L, 256L], logits.shape);
    }

    [Fact]
    public void QuantizedLayerNames_TwoBlocks_SevenProjectionsPerBlockInForwardOrder()
    {
        using var model = Tiny();
        string[] perBlock = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"];
        var expected = Enumerable.Range(0, 2).SelectMany(i => perBlock.Select(p => $"model.layers.{i}.{p}")).ToArray();
        Assert.Equal(expected, model.QuantizedLayerNames);
        Assert.Contains("model.layers.0.mlp.down_proj", model.QuantizedLayerNames);
        Assert.DoesNotContain("lm_head", model.QuantizedLayerNames);
    }

    [Fact]
    public void NamedParameters_TinyModel_MatchHuggingFaceLlamaStateDictKeys()
    {
        using var model = Tiny();
        var expected = new List<string> { "model.embed_tokens.weight" };
        for (var i = 0; i < 2; i++)
        {
            foreach (var p in new[] { "q_proj", "k_proj", "v_proj", "o_proj" }) expected.Add($"model.layers.{i}.self_attn.{p}.weight");
            foreach (var p in new[] { "gate_proj", "up_proj", "down_proj" }) expected.Add($"model.layers.{i}.mlp.{p}.weight");
            expected.Add($"model.layers.{i}.input_layernorm.weight");
            expected.Add($"model.layers.{i}.post_attention_layernorm.weight");
        }

        expected.Add("model.norm.weight");
        expected.Add("lm_head.weight");
        Assert.Equal(expected, model.named_parameters().Select(p => p.name).ToArray());
        Assert.Equal([32L, 32L], model.named_parameters().Single(p => p.name == "model.layers.1.self_attn.q_proj.weight").parameter.shape);
        Assert.Equal([64L, 32L], model.named_parameters().Single(p => p.name == "model.layers.0.mlp.up_proj.weight").parameter.shape);
    }

    [Fact]
    public void StateDict_TinyModel_HasScalingBuffersAndNoFieldNamesOrDerivedTables()
    {
        using var model = Tiny();
        var modules = model.named_modules().Select(m => m.name).ToArray();
        Assert.Equal(modules.Length, modules.Distinct().Count());
        Assert.DoesNotContain(modules, n => n.Split('.').Any(part => part.StartsWith('_')));
        var keys = model.state_dict().Keys.ToArray();
        Assert.Contains("model.layers.0.self_attn.q_proj.input_scaling.amax_history", keys);
        Assert.Contains("model.layers.1.mlp.down_proj.weight_scaling.scale", keys);
        Assert.DoesNotContain(keys, k => k.EndsWith(".stats", StringComparison.Ordinal) || k.EndsWith(".cos", StringComparison.Ordinal));
    }

    [Fact]
    public void Forward_ChangingALaterToken_LeavesEarlierLogitsUnchanged()
    {
        using var model = Tiny(recipe: null);
        model.eval();
        using var tokens = Tokens(1, 10, 3);
        using var changed = tokens.clone();
        changed[0, 7] = tensor(tokens[0, 7].item<long>() == 65 ? 66L : 65L);
        using var a = model.forward(tokens);
        using var b = model.forward(changed);
        using var earlyA = a.narrow(1, 0, 7);
        using var earlyB = b.narrow(1, 0, 7);
        Assert.True(earlyA.allclose(earlyB, rtol: 0, atol: 1e-6), "causal: positions < 7 must not see token 7");
        Assert.False(a.narrow(1, 7, 3).allclose(b.narrow(1, 7, 3)), "position 7 onward must see it");
    }

    [Fact]
    public void Constructor_SameSeed_SameWeights_OtherSeed_DifferentWeights()
    {
        using var a = Tiny(seed: 3);
        using var b = Tiny(seed: 3);
        using var c = Tiny(seed: 4);
        var pa = a.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var pb = b.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var pc = c.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.All(pa.Keys, k => Assert.True(pa[k].equal(pb[k]).all().item<bool>(), k));
        Assert.False(pa["model.layers.0.mlp.down_proj.weight"].allclose(pc["model.layers.0.mlp.down_proj.weight"]));
    }

    [Fact]
    public void TrainStep_RepeatedOnOneBatch_LowersLoss()
    {
        using var model = Tiny();
        model.train();
        using var optimizer = optim.AdamW(model.parameters(), lr: 3e-3);
        using var batch = Tokens(4, 17, 9);
        using var inputs = batch.narrow(1, 0, 16);
        using var targets = batch.narrow(1, 1, 16);
        var losses = new List<float>();
        for (var step = 0; step < 10; step++)
        {
            using var scope = NewDisposeScope();
            var logits = model.forward(inputs); // [4, 16, 256]
            var loss = nn.functional.cross_entropy(logits.reshape(-1, 256), targets.reshape(-1));
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }

        // Fresh init: ~ln(256) = 5.55 nats; ten steps on the same batch must memorise some of it.
        Assert.InRange(losses[0], 5.3f, 5.8f);
        Assert.True(losses[^1] < losses[0] - 0.3f, string.Join(", ", losses));
    }
}
