using QuantScope.Engine.Devices;
using QuantScope.Engine.Hosting;

namespace QuantScope.Engine.Tests.Hosting;

public sealed class DeviceProbeTests
{
    [Fact]
    public void Detect_ThisMachine_ListsTheCpuFirstWithCoresAndMemory()
    {
        var devices = DeviceProbe.Detect();
        var cpu = devices[0];
        Assert.Equal("cpu", cpu.Kind);
        Assert.Equal($"cpu ({Environment.ProcessorCount} cores)", cpu.Name);
        Assert.True(cpu.MemoryBytes > 0);
        Assert.Null(cpu.CudaIndex);
        // The CPU build of TorchSharp sees no CUDA device; a CUDA build lists cuda:0, cuda:1, ... in order.
        Assert.Equal(Enumerable.Range(0, devices.Count - 1).Select(i => (int?)i), devices.Skip(1).Select(d => d.CudaIndex));
        Assert.All(devices.Skip(1), d => Assert.StartsWith($"cuda:{d.CudaIndex}", d.Name));
    }

    [Fact]
    public void Cuda_DriverAnswers_NamesTheBoardWithTotalAndFreeMemory()
    {
        var device = DeviceProbe.Cuda(1, new GpuInfo(1, "NVIDIA H100 80GB HBM3", 80L << 30, 79L << 30));

        Assert.Equal(new ComputeDevice("cuda:1 (NVIDIA H100 80GB HBM3)", "cuda", 80L << 30, 79L << 30, 1), device);
    }

    [Fact]
    public void Cuda_DriverWithoutMemoryInfo_KeepsTheNameAndZeroMeansUnknown()
    {
        var device = DeviceProbe.Cuda(0, new GpuInfo(0, "Tesla T4", null, null));

        Assert.Equal(new ComputeDevice("cuda:0 (Tesla T4)", "cuda", 0, 0, 0), device);
    }

    [Fact]
    public void Cuda_NoDriver_BareNumberWithUnknownMemory()
    {
        Assert.Equal(new ComputeDevice("cuda:2", "cuda", 0, 0, 2), DeviceProbe.Cuda(2, null));
    }
}
