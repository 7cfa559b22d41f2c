namespace QuantScope.Engine.Model.SafeTensors;

/// <summary>One tensor's header entry: name, dtype, shape and its byte range within the data section.</summary>
/// <param name="Name">The tensor's name (an HF state-dict key such as <c>model.layers.0.mlp.down_proj.weight</c>).</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions, outermost first; empty for a scalar.</param>
/// <param name="Begin">First byte, relative to the start of the data section (after the header).</param>
/// <param name="End">One past the last byte, relative to the data section.</param>
public sealed record SafeTensorInfo(string Name, SafeTensorDType DType, IReadOnlyList<long> Shape, long Begin, long End)
{
    /// <summary>Number of elements (product of the shape; 1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);

    /// <summary>Bytes of data, End - Begin.</summary>
    public long ByteCount => End - Begin;
}
