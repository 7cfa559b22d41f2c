using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// Random Hadamard transform in 16 × 16 blocks along the last dimension, as NVIDIA's NVFP4 training recipe applies it
/// (arXiv 2509.25149): each block of 16 values x becomes x·D·H with H the Sylvester Hadamard matrix scaled by 1/4
/// (orthonormal) and D = diag(s) a fixed random sign vector (seeded: <see cref="SignSeed"/>). R = D·H is orthonormal
/// (R·Rᵀ = I), so <see cref="Inverse"/> (x·Rᵀ) undoes it up to float32 round-off. Spreading an outlier over its block
/// makes the block's values look Gaussian and shrinks the block amax the scale is set by.
/// </summary>
public static class HadamardTransform
{
    /// <summary>Values per block.</summary>
    public const int BlockSize = 16;

    /// <summary>Seed of the sign vector (fixed: a format is the same function on every run).</summary>
    public const int SignSeed = 2509;

    private static readonly ConcurrentDictionary<(DeviceType, int), Tensor> MatrixByDevice = new();

    /// <summary>The 16 random signs (±1) of D, from <see cref="SignSeed"/>.</summary>
    public static float[] Signs { get; } = MakeSigns();

    /// <summary>Host: R = D·H/4 as a row-major 16 × 16 array (entries ±1/4).</summary>
    public static float[] Matrix()
    {
        var m = new float[BlockSize * BlockSize];
        for (var i = 0; i < BlockSize; i++)
            for (var j = 0; j < BlockSize; j++)
                m[i * BlockSize + j] = Signs[i] * (System.Numerics.BitOperations.PopCount((uint)(i & j)) % 2 == 0 ? 0.25f : -0.25f); // Sylvester: (-1)^popcount(i&j)
        return m;
    }

    /// <summary>x·R per block of 16 along the last dim (float32; the last dim must be a multiple of 16).</summary>
    public static Tensor Apply(Tensor x) => Multiply(x, transpose: false);

    /// <summary>x·Rᵀ per block of 16 along the last dim: undoes <see cref="Apply"/>.</summary>
    public static Tensor Inverse(Tensor x) => Multiply(x, transpose: true);

    private static Tensor Multiply(Tensor x, bool transpose)
    {
        var last = x.dim() == 0 ? 1 : x.shape[^1];
        if (last % BlockSize != 0)
            throw new ArgumentException($"Last dim {last} is not divisible by the Hadamard block size {BlockSize}.", nameof(x));
        using var scope = NewDisposeScope();
        var r = MatrixByDevice.GetOrAdd((x.device.type, x.device.index),
            d => tensor(Matrix(), device: x.device).reshape(BlockSize, BlockSize).DetachFromDisposeScope()); // once per device
        var blocks = x.to(ScalarType.Float32).reshape([.. x.shape[..^1], last / BlockSize, BlockSize]);
        var product = blocks.matmul(transpose ? r.t() : r);
        return product.reshape(x.shape).to(x.dtype).MoveToOuterDisposeScope();
    }

    private static float[] MakeSigns()
    {
        var random = new Random(SignSeed); // deterministic across runs and machines (seeded System.Random)
        return [.. Enumerable.Range(0, BlockSize).Select(_ => random.Next(2) == 0 ? 1f : -1f)];
    }
}
