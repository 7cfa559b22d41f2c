using QuantScope.Engine.Devices;
using QuantScope.Engine.Training;
using QuantScope.Web.Cluster;

namespace QuantScope.Web.Tests.Cluster;

public sealed class WorkerRunHostTests
{
    [Theory]
    [InlineData("cuda", "cuda:1", "cuda:1")] // the device placement held replaces "first CUDA device"
    [InlineData("cuda:0", "cuda:0", "cuda:0")]
    [InlineData("cuda", null, "cuda")] // placed without a held device (directory rebuilt): the config stands
    [InlineData("cpu", "cuda:1", "cpu")] // only CUDA configs move
    [InlineData("auto", "cuda:1", "auto")]
    public void OnHeldDevice_Config_TakesTheHeldDeviceOnlyForCuda(string configured, string? held, string expected)
    {
        var config = TrainConfig.Demo with { Device = DeviceSetting.Parse(configured) };

        Assert.Equal(expected, WorkerRunHost.OnHeldDevice(config, held).Device.ToString());
    }

    [Fact]
    public void OnHeldDevice_ConfigWithoutDevice_StaysForTheWorkersDefault()
    {
        Assert.Null(WorkerRunHost.OnHeldDevice(TrainConfig.Demo with { Device = null }, "cuda:0").Device);
    }
}
