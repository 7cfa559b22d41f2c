using QuantScope.Engine.Hosting;
using QuantScope.Web.Cluster;

namespace QuantScope.Web.Tests.Cluster;

public sealed class DeviceDtoTests
{
    [Fact]
    public void From_EngineDevice_CopiesNameKindAndMemory()
    {
        Assert.Equal(new DeviceDto("cuda:1", "cuda", 0), DeviceDto.From(new ComputeDevice("cuda:1", "cuda", 0)));
        Assert.Equal(new DeviceDto("cpu (2 cores)", "cpu", 123L << 30), DeviceDto.From(new ComputeDevice("cpu (2 cores)", "cpu", 123L << 30)));
    }

    [Fact]
    public void From_ThisMachine_CpuFirst()
    {
        var devices = DeviceProbe.Detect().Select(DeviceDto.From).ToList(); // what a worker announces
        Assert.Equal("cpu", devices[0].Kind);
        Assert.True(devices[0].MemoryBytes > 0);
    }
}
