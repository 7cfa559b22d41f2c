using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization.Cpu;

/// <summary>
/// <see cref="LayerStatsWriter.Row"/>: the CPU route (stores through both tensors' memory) and the tensor-op route (a
/// strided source, or a float32 buffer) write the same values into the same cells, and nothing else.
/// </summary>
public sealed class LayerStatsWriterRowTests
{
    [Fact]
    public void Row_CpuRouteAndTensorRoute_WriteTheSameCells()
    {
        using var scope = NewDisposeScope();
        float[] values = [1.5f, float.NaN, -0f, float.PositiveInfinity, 3e-42f];
        var float32 = tensor(values);
        var float64 = float32.to(ScalarType.Float64);
        var strided = stack([float32, float32], 1).select(1, 0); // non-contiguous: the tensor route
        Assert.False(strided.is_contiguous());

        var expected = new double[3 * 10];
        Array.Fill(expected, -7);
        for (var i = 0; i < values.Length; i++) expected[10 + 4 + i] = values[i];
        foreach (var source in new[] { float32, float64, strided })
        {
            var stats = full([3, 10], -7.0, dtype: ScalarType.Float64);
            LayerStatsWriter.Row(stats, 1, source, 4);
            Assert.Equal(expected, stats.data<double>().ToArray());
            Assert.True(BitConverter.DoubleToInt64Bits(stats[1, 6].item<double>()) < 0); // -0 kept
        }
    }
}
