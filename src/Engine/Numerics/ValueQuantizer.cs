using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// Quantize-dequantize of a flat list of managed values (format explorer, CLI): values in, float32 values out,
/// tensors only inside. Runs synchronously in its own dispose scope (scopes are thread-static).
/// </summary>
public static class ValueQuantizer
{
    /// <summary>Values sharing one scale for block and group formats (MX 32, NVFP4 16, INT per group G); null for element-wise formats.</summary>
    public static int? BlockSize(INumberFormat format) => format switch
    {
        MxFormat mx => mx.BlockSize,
        NvFp4Format => NvFp4Format.BlockSize,
        IntFormat { Granularity: IntGranularity.PerGroup } i => i.GroupSize,
        _ => null,
    };

    /// <summary>The format with INT made per-group of <paramref name="groupSize"/> when given; other formats unchanged.</summary>
    public static INumberFormat WithGroupSize(INumberFormat format, int? groupSize) =>
        format is IntFormat i && groupSize is { } g ? IntFormat.PerGroup(i.Bits, g) : format;

    /// <summary>
    /// q(x · scale) / scale for each value, in order, as one row: blocks and groups run along the list; a partial last
    /// block is padded with zeros (zeros raise no block's amax) and cut off again. INT without groups has one scale
    /// for the whole list.
    /// </summary>
    public static float[] QuantizeDequantize(INumberFormat format, IReadOnlyList<double> values, double scale)
    {
        if (values.Count == 0) return [];
        var block = BlockSize(format) ?? 1;
        var padded = (values.Count + block - 1) / block * block;
        var data = new float[padded];
        for (var i = 0; i < values.Count; i++) data[i] = (float)values[i];

        using var scope = NewDisposeScope();
        var x = tensor(data).reshape(1, padded); // host API (the formats endpoint, not a step); [1, padded]: one row, blocks along the last dim
        using var held = scale.ToScalar(); // held: a temporary Scalar can be freed by the GC mid-call
        var q = format.QuantizeDequantize(x.mul(held)).div(held); // [1, padded]
        return q.reshape(-1).narrow(0, 0, values.Count).data<float>().ToArray(); // host API
    }
}
