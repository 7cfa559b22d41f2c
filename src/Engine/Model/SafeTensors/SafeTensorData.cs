namespace QuantScope.Engine.Model.SafeTensors;

/// <summary>A tensor to write: name, dtype, shape and its little-endian bytes.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="DType">Element type of <paramref name="Bytes"/>.</param>
/// <param name="Shape">Dimensions, outermost first.</param>
/// <param name="Bytes">Exactly product(shape) × element size bytes.</param>
public sealed record SafeTensorData(string Name, SafeTensorDType DType, IReadOnlyList<long> Shape, byte[] Bytes)
{
    /// <summary>Encodes float32 <paramref name="values"/> as <paramref name="dtype"/> (F16/BF16 round to nearest even).</summary>
    public static SafeTensorData FromFloats(string name, IReadOnlyList<long> shape, ReadOnlySpan<float> values, SafeTensorDType dtype) =>
        new(name, dtype, shape, HalfBits.Encode(values, dtype));
}
