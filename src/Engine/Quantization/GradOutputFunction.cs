using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Autograd node placed on a <see cref="QuantLinear"/>'s output: identity in the forward pass; in the backward pass it
/// hands the incoming output gradient (dL/dy) to the layer's grad quantizer, so the gradient that flows into
/// the layer's matmul backward (and on to the weight gradient and the previous layer) is the quantized one, as in
/// Transformer Engine's HYBRID recipe (E5M2 gradients). The gradient does not require grad, so on the CPU it takes the
/// fake quantizer's one-pass kernel straight into a new tensor (no straight-through copy; a strided gradient through its
/// contiguous copy): <see cref="FakeQuantizer.Apply"/>.
/// </summary>
internal sealed class GradOutputFunction : autograd.SingleTensorFunction<GradOutputFunction>
{
    private const string LayerKey = "layer";

    /// <inheritdoc />
    public override string Name => nameof(GradOutputFunction);

    /// <summary>Wraps <paramref name="output"/> so that its gradient passes through <paramref name="layer"/>'s grad quantizer.</summary>
    public static Tensor Attach(Tensor output, QuantLinear layer) => apply(output, layer);

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        ctx.save_data(LayerKey, vars[1]);
        return ((Tensor)vars[0]).alias();
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad)
    {
        var layer = (QuantLinear)ctx.get_data(LayerKey);
        return [layer.QuantizeGradOutput(grad), null!];
    }
}
