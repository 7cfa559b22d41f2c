using QuantScope.Engine.Data;
using QuantScope.Engine.Evaluation;
using QuantScope.Engine.Tests.Data;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Evaluation;

public class TextPerplexityTests
{
    internal static readonly ModelConfig Shape = new() { Layers = 1, DModel = 16, Heads = 2, FfnDim = 24, VocabSize = 300, ContextLength = 16 };

    /// <summary>A model whose logits are all zero: every token has probability 1/V, so the loss is ln V and the perplexity V.</summary>
    internal static LlamaForCausalLM Uniform(ModelConfig shape)
    {
        var model = new LlamaForCausalLM(shape, QuantPlan.HighPrecision, seed: 3);
        using var _ = no_grad();
        foreach (var p in model.parameters()) p.zero_();
        return model;
    }

    [Fact]
    public void Evaluate_UniformModelWithHfTokenizer_PerplexityIsTheVocabSize()
    {
        using var model = Uniform(Shape);
        var tokenizer = HfTokenizer.FromTokenizerJson(HfTokenizerTests.TinyTokenizerJson(), "tokenizer.json");
        var text = string.Concat(Enumerable.Repeat("the cat and the dog\n", 20));

        var result = TextPerplexity.Evaluate(model, tokenizer, text, seqLen: 8, maxWindows: 0);

        Assert.Equal(tokenizer.Encode(text).Length, result.Tokens);
        Assert.Equal(result.Tokens / 9, result.Windows); // every non-overlapping window of 9 tokens
        Assert.Equal(result.Windows * 8L, result.ScoredTokens);
        Assert.Equal(Math.Log(300), result.Loss, 4);
        Assert.Equal(300, result.Perplexity, 1);
        Assert.Equal("tokenizer.json", result.Tokenizer);
    }

    [Fact]
    public void Evaluate_TokenIdBeyondModelVocab_FailsNamingTheVocabulary()
    {
        using var model = Uniform(Shape with { VocabSize = 256 });
        var tokenizer = HfTokenizer.FromTokenizerJson(HfTokenizerTests.TinyTokenizerJson(), "tokenizer.json");
        var e = Assert.Throws<InvalidDataException>(() => TextPerplexity.Evaluate(model, tokenizer, string.Concat(Enumerable.Repeat("the end. ", 10)), 8));
        Assert.Contains("outside the model's vocabulary of 256", e.Message);
    }

    [Fact]
    public void Evaluate_TextShorterThanOneWindow_Throws()
    {
        using var model = Uniform(Shape);
        Assert.Throws<InvalidDataException>(() => TextPerplexity.Evaluate(model, new ByteTokenizer(), "short", 8));
    }
}
