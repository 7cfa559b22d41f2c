namespace QuantScope.Engine.Data;

/// <summary>
/// Text to token ids, as training data, held-out loss, probes and tasks read it: <see cref="ByteTokenizer"/> for the
/// built-in models, <see cref="HfTokenizer"/> for a Hugging Face folder's own tokenizer.
/// </summary>
public interface ITextTokenizer
{
    /// <summary>One more than the largest id <see cref="Encode"/> can return (the model's vocabulary must be at least this large).</summary>
    int VocabSize { get; }

    /// <summary>Short description for messages: <c>byte-level</c>, or the tokenizer file.</summary>
    string Name { get; }

    /// <summary>Token ids of <paramref name="text"/> (no BOS/EOS added).</summary>
    int[] Encode(string text);

    /// <summary>True when <paramref name="token"/>'s text ends with a newline: a line starts right after it.</summary>
    bool EndsLine(int token);
}
