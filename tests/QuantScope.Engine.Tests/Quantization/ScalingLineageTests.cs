using QuantScope.Engine.Numerics;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

/// <summary>Delayed states share a lineage exactly while they have taken the same amax tensors since they were fresh.</summary>
public sealed class ScalingLineageTests
{
    [Fact]
    public void Lineage_SameAmaxTensors_Shared_OtherwiseNot()
    {
        var recipe = new DelayedScalingRecipe();
        using var a = new DelayedScalingState("a", recipe, FloatFormat.E4M3);
        using var b = new DelayedScalingState("b", recipe, FloatFormat.E4M3);
        using var e5m2 = new DelayedScalingState("c", recipe, FloatFormat.E5M2);
        Assert.Same(a.Lineage, b.Lineage);
        Assert.NotSame(a.Lineage, e5m2.Lineage);

        using var amax = tensor(3f);
        using var equalValue = tensor(3f);
        a.Update(amax);
        b.Update(amax);
        Assert.Same(a.Lineage, b.Lineage);
        Assert.Equal(a.Scale.item<float>(), b.Scale.item<float>());

        b.Update(equalValue); // another tensor object: not known to scale alike
        a.Update(amax);
        Assert.NotSame(a.Lineage, b.Lineage);

        a.Reset();
        b.Reset();
        Assert.Same(a.Lineage, b.Lineage);
        b.RestoreUpdates(1); // buffers from a file
        Assert.NotSame(a.Lineage, b.Lineage);
    }
}
