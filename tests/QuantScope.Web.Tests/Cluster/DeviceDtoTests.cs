using QuantScope.Engine.Hosting;
using QuantScope.Web.Cluster;

namespace QuantScope.Web.Tests.Cluster;

public sealed class DeviceDtoTests
{
    [Fact]
    public void From_EngineDevice_CopiesNameKindMemoryAndCudaNumber()
    {
        Assert.Equal(new DeviceDto("cuda:1 (NVIDIA H100)", "cuda", 80L << 30, 70L << 30, 1),
            DeviceDto.From(new ComputeDevice("cuda:1 (NVIDIA H100)", "cuda", 80L << 30, 70L << 30, 1)));
        Assert.Equal(new DeviceDto("cpu (2 cores)", "cpu", 123L << 30), DeviceDto.From(new ComputeDevice("cpu (2 cores)", "cpu", 123L << 30)));
    }

    [Fact]
    public void From_ThisMachine_CpuFirst()
    {
        var devices = DeviceProbe.Detect().Select(DeviceDto.From).ToList(); // what a worker announces
        Assert.Equal("cpu", devices[0].Kind);
        Assert.True(devices[0].MemoryBytes > 0);
        Assert.Null(devices[0].CudaIndex);
    }
}
