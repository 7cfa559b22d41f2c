namespace QuantScope.Engine.Data;

/// <summary>Checks token ids against a model's vocabulary before they reach the embedding (where they would fail obscurely).</summary>
public static class TokenIds
{
    /// <summary>Throws unless every id in <paramref name="tokens"/> is in 0..<paramref name="vocabSize"/> - 1.</summary>
    /// <param name="tokens">The ids.</param>
    /// <param name="vocabSize">The model's vocabulary size.</param>
    /// <param name="source">What the ids were read from, for the message (a file, "task X").</param>
    /// <param name="tokenizer">The tokenizer that produced them, for the message.</param>
    /// <exception cref="InvalidDataException">An id is negative or not below <paramref name="vocabSize"/>.</exception>
    public static void RequireBelow(IReadOnlyList<int> tokens, int vocabSize, string source, string tokenizer)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i] < 0 || tokens[i] >= vocabSize)
                throw new InvalidDataException(
                    $"{source}: token id {tokens[i]} (tokenizer {tokenizer}) is outside the model's vocabulary of {vocabSize}; the tokenizer does not belong to this model.");
        }
    }
}
