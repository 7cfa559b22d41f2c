using QuantScope.Engine.Data;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Data;

public class BatchSamplerTests
{
    [Fact]
    public void Next_Batch_IsConsecutiveWindowsOfTheStream()
    {
        var stream = Enumerable.Range(0, 100).ToArray(); // token i at position i, so windows are runs of +1
        var sampler = new BatchSampler(stream, 3);
        using var batch = sampler.Next(4, 8);
        Assert.Equal([4L, 9L], batch.shape);
        Assert.Equal(ScalarType.Int64, batch.dtype);
        var values = batch.data<long>().ToArray();
        for (var row = 0; row < 4; row++)
            for (var j = 1; j < 9; j++)
                Assert.Equal(values[row * 9 + j - 1] + 1, values[row * 9 + j]);
    }

    [Fact]
    public void Next_SameSeed_SameBatches()
    {
        var stream = Enumerable.Range(0, 1000).Select(i => i % 256).ToArray();
        using var a = new BatchSampler(stream, 11).Next(2, 16);
        using var b = new BatchSampler(stream, 11).Next(2, 16);
        Assert.Equal(a.data<long>().ToArray(), b.data<long>().ToArray());
    }
}
