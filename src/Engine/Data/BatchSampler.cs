using static TorchSharp.torch;

namespace QuantScope.Engine.Data;

/// <summary>
/// Draws training batches of random windows from a token stream, deterministically from a seed.
/// Each row holds T+1 consecutive tokens: inputs are [:, :T], next-token targets [:, 1:].
/// </summary>
public sealed class BatchSampler
{
    private readonly int[] _tokens;
    private readonly Random _random;

    /// <summary>Creates a sampler over <paramref name="tokens"/> with its own random stream.</summary>
    /// <exception cref="ArgumentException">Fewer than 2 tokens.</exception>
    public BatchSampler(int[] tokens, int seed)
    {
        if (tokens.Length < 2) throw new ArgumentException("Need at least 2 tokens.", nameof(tokens));
        _tokens = tokens;
        _random = new Random(seed);
    }

    /// <summary>Number of tokens in the stream.</summary>
    public int Length => _tokens.Length;

    /// <summary>
    /// Advances the random stream past <paramref name="batches"/> batches without building them (a resumed run draws
    /// exactly the batches it would have drawn next): the same draws as that many <see cref="Next"/> calls.
    /// </summary>
    public void Skip(int batches, int batchSize, int seqLen)
    {
        var starts = _tokens.Length - (seqLen + 1) + 1;
        for (var i = 0; i < batches * batchSize; i++) _random.Next(starts);
    }

    /// <summary>The next batch: an int64 tensor [<paramref name="batchSize"/>, <paramref name="seqLen"/> + 1] on the CPU.</summary>
    /// <exception cref="ArgumentException">The stream is shorter than seqLen + 1.</exception>
    public Tensor Next(int batchSize, int seqLen)
    {
        var window = seqLen + 1;
        if (window > _tokens.Length) throw new ArgumentException($"Stream of {_tokens.Length} tokens is shorter than {window}.", nameof(seqLen));
        var data = new long[batchSize * window];
        for (var row = 0; row < batchSize; row++)
        {
            var start = _random.Next(_tokens.Length - window + 1);
            for (var j = 0; j < window; j++) data[row * window + j] = _tokens[start + j];
        }

        return tensor(data, [batchSize, window], dtype: ScalarType.Int64);
    }
}
