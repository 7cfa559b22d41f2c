using static TorchSharp.torch;

namespace QuantScope.Engine.Tests;

/// <summary>Small helpers to read tensors back as managed arrays in assertions.</summary>
internal static class TensorAssert
{
    public static float[] Floats(Tensor t) => t.detach().cpu().contiguous().to(ScalarType.Float32).data<float>().ToArray();

    public static float Scalar(Tensor t) => Floats(t).Single();

    /// <summary>Bit-exact equality (distinguishes -0 from +0; any NaN equals any NaN).</summary>
    public static void BitEqual(float expected, float actual, string context)
    {
        if (float.IsNaN(expected) && float.IsNaN(actual)) return;
        Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual),
            $"{context}: expected {expected:R} (bits {BitConverter.SingleToInt32Bits(expected):X8}), got {actual:R} (bits {BitConverter.SingleToInt32Bits(actual):X8})");
    }
}
