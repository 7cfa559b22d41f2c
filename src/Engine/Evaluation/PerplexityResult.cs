namespace QuantScope.Engine.Evaluation;

/// <summary>Perplexity of a model on a text (<see cref="TextPerplexity"/>).</summary>
/// <param name="Tokens">Tokens the text encodes to.</param>
/// <param name="Windows">Non-overlapping windows of seqLen + 1 tokens scored.</param>
/// <param name="ScoredTokens">Tokens predicted: windows x seqLen.</param>
/// <param name="Loss">Mean next-token cross-entropy over the scored tokens, nats per token.</param>
/// <param name="Tokenizer">The tokenizer's name (<c>byte-level</c> or its file).</param>
public sealed record PerplexityResult(int Tokens, int Windows, long ScoredTokens, double Loss, string Tokenizer)
{
    /// <summary>exp(<see cref="Loss"/>): the model's effective branching factor per token.</summary>
    public double Perplexity => Math.Exp(Loss);
}
