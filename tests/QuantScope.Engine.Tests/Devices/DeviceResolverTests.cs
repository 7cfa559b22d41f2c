using QuantScope.Engine.Devices;

namespace QuantScope.Engine.Tests.Devices;

public sealed class DeviceResolverTests
{
    private static readonly CudaInventory CpuBuild = new(false, 0);
    private static readonly CudaInventory CudaBuildNoGpu = new(true, 0);
    private static readonly CudaInventory OneGpu = new(true, 1);
    private static readonly CudaInventory FourGpus = new(true, 4);

    public static TheoryData<string, CudaInventory, string> Picks => new()
    {
        { "cpu", CpuBuild, "cpu" },
        { "cpu", FourGpus, "cpu" },
        { "auto", CpuBuild, "cpu" },
        { "auto", CudaBuildNoGpu, "cpu" },
        { "auto", OneGpu, "cuda:0" },
        { "auto", FourGpus, "cuda:0" },
        { "cuda", OneGpu, "cuda:0" },
        { "cuda:0", OneGpu, "cuda:0" },
        { "cuda:3", FourGpus, "cuda:3" },
    };

    [Theory]
    [MemberData(nameof(Picks))]
    public void Choose_AvailableDevice_PicksIt(string setting, CudaInventory cuda, string expected)
    {
        var choice = DeviceResolver.Choose(DeviceSetting.Parse(setting), cuda);
        Assert.Equal(expected, choice.Device);
        Assert.Null(choice.Error);
        Assert.Equal(expected == "cpu" ? null : int.Parse(expected["cuda:".Length..], System.Globalization.CultureInfo.InvariantCulture), choice.CudaIndex);
    }

    [Theory]
    [InlineData("cuda", false, 0, "CPU-only build")]
    [InlineData("cuda:0", false, 0, "-p:TorchBackend=cuda")]
    [InlineData("cuda", true, 0, "no CUDA device is visible")]
    [InlineData("cuda:3", true, 1, "'cuda:3' does not exist: this machine has 1 CUDA device (cuda:0)")]
    [InlineData("cuda:4", true, 4, "has 4 CUDA devices (cuda:0 to cuda:3)")]
    public void Choose_MissingDevice_SaysWhy(string setting, bool build, int count, string reason)
    {
        var choice = DeviceResolver.Choose(DeviceSetting.Parse(setting), new CudaInventory(build, count));
        Assert.Null(choice.Device);
        Assert.Contains(reason, choice.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void RunDeviceResolve_ThisCpuBuild_CudaThrowsAndCpuAndAutoGiveTheCpu()
    {
        Assert.Equal("cpu", TorchBuild.Backend);
        var ex = Assert.Throws<DeviceUnavailableException>(() => RunDevice.Resolve(DeviceSetting.Parse("cuda")));
        Assert.StartsWith("device: 'cuda' is not available", ex.Message, StringComparison.Ordinal);
        foreach (var setting in new[] { DeviceSetting.Cpu, DeviceSetting.Auto })
        {
            var device = RunDevice.Resolve(setting);
            Assert.False(device.IsCuda);
            Assert.Equal("cpu", device.Info.Device);
            Assert.StartsWith($"cpu ({Environment.ProcessorCount} cores)", device.Info.Name, StringComparison.Ordinal);
            Assert.True(device.Info.MemoryBytes > 0);
            Assert.Null(device.UsedBytes());
        }
    }

    [Fact]
    public void DescribeOutOfMemory_LibtorchMessage_NamesDeviceFreeAndNeeded()
    {
        const string libtorch = "CUDA out of memory. Tried to allocate 2.50 GiB. GPU 0 has a total capacity of 79.10 GiB of which 1.25 GiB is free.";
        Assert.Equal("out of GPU memory on cuda:0 (1.25 GiB free, 2.50 GiB needed): use a smaller batchSize or seqLen, a smaller model, or turn off the twin (baseline)",
            RunDevice.DescribeOutOfMemory("cuda:0", libtorch, null));
        Assert.StartsWith("out of GPU memory on cuda:1 (0.50 GiB free, 0.50 GiB needed)",
            RunDevice.DescribeOutOfMemory("cuda:1", "CUDA out of memory. Tried to allocate 512.00 MiB", 512L << 20), StringComparison.Ordinal);
        Assert.StartsWith("out of GPU memory on cuda:0 (unknown free, unknown needed)",
            RunDevice.DescribeOutOfMemory("cuda:0", "CUDA error: out of memory", null), StringComparison.Ordinal);
        Assert.Null(RunDevice.DescribeOutOfMemory("cuda:0", "Expected all tensors to be on the same device", null));
    }

    [Theory]
    [InlineData(0, null, 0)]
    [InlineData(1, "", 1)]
    [InlineData(0, "2,3", 2)]
    [InlineData(1, " 2 , 3 ", 3)]
    [InlineData(2, "2,3", null)]
    [InlineData(0, "GPU-8f0c1a2b", null)]
    public void PhysicalIndex_CudaVisibleDevices_MapsCudaNumbersToDriverNumbers(int cuda, string? visible, int? expected) =>
        Assert.Equal(expected, NvmlProbe.PhysicalIndex(cuda, visible ?? ""));
}
