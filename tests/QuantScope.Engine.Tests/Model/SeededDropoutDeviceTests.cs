using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Model;

/// <summary>A dropout state from the other device kind (CUDA's Philox state on a CPU resume) reseeds deterministically.</summary>
public sealed class SeededDropoutDeviceTests
{
    [Fact]
    public void Restore_StateOfThisKind_ContinuesTheStream()
    {
        using var source = new SeededDropout(0.5, 7);
        using var x = ones(64);
        using var _ = source.Apply(x);
        using var state = source.GetState();
        using var expected = source.Apply(x);

        using var restored = new SeededDropout(0.5, 7);
        Assert.True(restored.Restore(state, 3));
        using var actual = restored.Apply(x);
        Assert.True(expected.allclose(actual, 0, 0));
    }

    [Fact]
    public void Restore_StateOfAnotherSize_ReseedsFromSeedAndStepTheSameWayEveryTime()
    {
        using var foreign = zeros(16, dtype: ScalarType.Byte); // CUDA's generator state is 16 bytes; the CPU's is 5056
        using var x = ones(64);
        using var a = new SeededDropout(0.5, 7);
        using var b = new SeededDropout(0.5, 7);
        Assert.False(a.Restore(foreign, 5));
        Assert.False(b.Restore(foreign, 5));
        using var maskA = a.Apply(x);
        using var maskB = b.Apply(x);
        Assert.True(maskA.allclose(maskB, 0, 0));

        using var fresh = new SeededDropout(0.5, 7);
        using var unrestored = fresh.Apply(x);
        Assert.False(unrestored.allclose(maskA, 0, 0)); // not the stream from the start: the step moved it
    }
}
