using QuantScope.Engine.Data;
using QuantScope.Engine.Model;
using QuantScope.Engine.Model.Hf;
using QuantScope.Engine.Quantization;

namespace QuantScope.Engine.Evaluation;

/// <summary>
/// Perplexity of a model on a whole text with the model's own tokenizer: the text is encoded once, cut into
/// non-overlapping windows of seqLen + 1 tokens spread evenly over it (<see cref="Evaluator.WindowStarts"/>), and the mean
/// next-token loss over every window's seqLen predictions is exponentiated. Windows do not share context, so each
/// window's first tokens are predicted from little context (as in nanoGPT's and lm-eval's non-sliding evaluation).
/// </summary>
public static class TextPerplexity
{
    /// <summary>
    /// Loads the Hugging Face model folder <paramref name="modelFolder"/> at high precision, evaluates it on
    /// <paramref name="text"/> and frees it: for hosts that hold no model of their own (the <c>hf eval</c> verb).
    /// </summary>
    /// <exception cref="HfModelException">The folder's model cannot be loaded (see <see cref="HfModelFolder.Load"/>).</exception>
    /// <exception cref="InvalidDataException">As <see cref="Evaluate(LlamaForCausalLM, ITextTokenizer, string, int, int)"/>.</exception>
    public static PerplexityResult Evaluate(string modelFolder, ITextTokenizer tokenizer, string text, int seqLen, int maxWindows = 0)
    {
        using var model = HfModelFolder.Load(modelFolder, QuantPlan.HighPrecision);
        return Evaluate(model, tokenizer, text, seqLen, maxWindows);
    }

    /// <summary>Evaluates <paramref name="model"/> on <paramref name="text"/>.</summary>
    /// <param name="model">The model (its mode is restored afterwards).</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="text">The text.</param>
    /// <param name="seqLen">Predicted tokens per window, 1..context length.</param>
    /// <param name="maxWindows">At most this many windows; 0 = every window that fits.</param>
    /// <exception cref="InvalidDataException">The text is shorter than one window, or a token id is outside the model's vocabulary.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seqLen"/> is not in 1..context length, or <paramref name="maxWindows"/> &lt; 0.</exception>
    public static PerplexityResult Evaluate(LlamaForCausalLM model, ITextTokenizer tokenizer, string text, int seqLen, int maxWindows = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seqLen, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(seqLen, model.Config.ContextLength);
        ArgumentOutOfRangeException.ThrowIfNegative(maxWindows);
        var tokens = tokenizer.Encode(text);
        if (tokens.Length < seqLen + 1)
            throw new InvalidDataException($"The text is {tokens.Length} tokens ({tokenizer.Name}); at least seqLen + 1 = {seqLen + 1} are needed.");
        TokenIds.RequireBelow(tokens, model.Config.VocabSize, "The text", tokenizer.Name);
        var windows = Math.Min(maxWindows == 0 ? int.MaxValue : maxWindows, tokens.Length / (seqLen + 1));
        var loss = Evaluator.HeldOutLoss(model, tokens, seqLen, windows);
        return new PerplexityResult(tokens.Length, windows, (long)windows * seqLen, loss, tokenizer.Name);
    }
}
