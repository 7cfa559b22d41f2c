using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>What <see cref="FakeQuantizer.Apply"/> returns.</summary>
/// <param name="Output">Q(x·scale)/scale in the forward pass, identity gradient to x in the backward pass; x's shape.</param>
/// <param name="Saturation">0-d float32: fraction (0..1) of elements with |x·scale| above the format max (NaN counts too).</param>
public readonly record struct FakeQuantResult(Tensor Output, Tensor Saturation);
