using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>What <see cref="FakeQuantizer.Apply"/> returns.</summary>
/// <param name="Output">Q(x·scale)/scale in the forward pass, identity gradient to x in the backward pass; x's shape.</param>
/// <param name="Stats">float32 device vector: [overflowFraction] (fraction 0..1 of elements with |x·scale| above the
/// scaling target; NaN counts too), or with full stats [overflowFraction, underflowFraction, mse, sqnrDb, hif8Tier3Bit,
/// hif8Tier2Bit, hif8Tier1Bit, hif8Tier0Bit] (tiers NaN for other formats).</param>
public readonly record struct FakeQuantResult(Tensor Output, Tensor Stats)
{
    /// <summary>The overflow fraction alone (a new 0-d tensor).</summary>
    public Tensor Saturation => Stats[0];
}
