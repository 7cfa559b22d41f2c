using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

/// <summary>Small tensors' statistics passes run on one intra-op thread of the calling thread, restored afterwards.</summary>
public sealed class SingleThreadedTests
{
    [Fact]
    public void Enter_SmallTensor_OneThreadUntilDisposed_LargeTensor_Unchanged()
    {
        var before = get_num_threads();
        set_num_threads(2);
        try
        {
            using (SingleThreaded.Enter(1000)) Assert.Equal(1, get_num_threads());
            Assert.Equal(2, get_num_threads());
            using (SingleThreaded.Enter(SingleThreaded.MaxElements + 1)) Assert.Equal(2, get_num_threads());
        }
        finally
        {
            set_num_threads(before);
        }
    }
}
