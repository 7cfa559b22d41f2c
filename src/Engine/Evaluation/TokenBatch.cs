using static TorchSharp.torch;

namespace QuantScope.Engine.Evaluation;

/// <summary>
/// Builds right-padded next-token batches from token sequences of different lengths. Right padding is safe for a
/// causal model: a real position never attends to the padding after it, so padded positions are just ignored.
/// </summary>
internal static class TokenBatch
{
    /// <summary>Padding token id; any valid id works because padded positions are never read.</summary>
    private const long Pad = 0;

    /// <summary>
    /// Inputs <c>seq[:-1]</c> and targets <c>seq[1:]</c> of every sequence (each at least 2 tokens), both int64
    /// [rows, longest - 1], right-padded with <see cref="Pad"/>, on <paramref name="device"/> (null = CPU).
    /// </summary>
    public static (Tensor Inputs, Tensor Targets) Shifted(IReadOnlyList<int[]> sequences, Device? device = null)
    {
        var width = sequences.Max(s => s.Length) - 1;
        var inputs = new long[sequences.Count * width];
        var targets = new long[sequences.Count * width];
        Array.Fill(inputs, Pad);
        Array.Fill(targets, Pad);
        for (var row = 0; row < sequences.Count; row++)
        {
            var s = sequences[row];
            for (var j = 0; j < s.Length - 1; j++)
            {
                inputs[row * width + j] = s[j];
                targets[row * width + j] = s[j + 1];
            }
        }

        long[] shape = [sequences.Count, width];
        return (tensor(inputs, shape, dtype: ScalarType.Int64, device: device), tensor(targets, shape, dtype: ScalarType.Int64, device: device));
    }

    /// <summary>The last <paramref name="maxLength"/> tokens of <paramref name="tokens"/> (left truncation), or all of them.</summary>
    public static int[] KeepLast(int[] tokens, int maxLength) => tokens.Length <= maxLength ? tokens : tokens[^maxLength..];
}
