using QuantScope.Engine.Hosting;

namespace QuantScope.Engine.Tests.Hosting;

public sealed class DeviceProbeTests
{
    [Fact]
    public void Detect_CpuBuild_ListsTheCpuFirstWithCoresAndMemory()
    {
        var devices = DeviceProbe.Detect();
        var cpu = devices[0];
        Assert.Equal("cpu", cpu.Kind);
        Assert.Equal($"cpu ({Environment.ProcessorCount} cores)", cpu.Name);
        Assert.True(cpu.MemoryBytes > 0);
        // The CPU build of TorchSharp sees no CUDA device; a CUDA build lists them as cuda:0, cuda:1, ... with unknown memory.
        Assert.All(devices.Skip(1), d => Assert.Equal(("cuda", 0L), (d.Kind, d.MemoryBytes)));
        Assert.Equal(Enumerable.Range(0, devices.Count - 1).Select(i => $"cuda:{i}"), devices.Skip(1).Select(d => d.Name));
    }
}
