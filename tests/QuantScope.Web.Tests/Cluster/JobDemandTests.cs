using QuantScope.Engine.Devices;
using QuantScope.Engine.Model.Hf;
using QuantScope.Engine.Training;
using QuantScope.Web.Cluster;

namespace QuantScope.Web.Tests.Cluster;

public sealed class JobDemandTests
{
    [Fact]
    public void Of_ConfigWithoutDevice_RunsAnywhereWithoutMemoryCheck()
    {
        var demand = JobDemand.Of(TrainConfig.Demo with { Device = null });

        Assert.Equal(JobDemand.Anywhere, demand);
        Assert.False(demand.NeedsCuda);
    }

    [Fact]
    public void Of_CpuConfig_NeedsNoCuda()
    {
        var demand = JobDemand.Of(TrainConfig.Demo with { Device = DeviceSetting.Cpu });

        Assert.Equal(new JobDemand("cpu"), demand);
        Assert.False(demand.NeedsCuda);
    }

    [Fact]
    public void Of_CudaConfig_CarriesTheDeviceAndTheTrainingMemoryEstimate()
    {
        var config = TrainConfig.Demo with { Device = new DeviceSetting(DeviceKind.Cuda, 1), Baseline = true };

        var demand = JobDemand.Of(config);

        Assert.True(demand.NeedsCuda);
        Assert.Equal("cuda:1", demand.Device);
        Assert.Equal(1, demand.Setting.Index);
        Assert.Equal(MemoryEstimator.Estimate(config.Model, "qat", twin: true, availableBytes: 0).RequiredBytes, demand.MemoryBytes);
    }

    [Fact]
    public void PutThenFrom_RequestContext_RoundTrips()
    {
        var context = new Dictionary<string, object>();
        var demand = new JobDemand("cuda", 3L << 30);

        demand.Put((key, value) => context[key] = value);

        Assert.Equal(demand, JobDemand.From(context));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("gpu")]
    public void From_NoOrUnreadableDevice_IsAnywhere(string? device)
    {
        var context = device is null ? null : new Dictionary<string, object> { [JobDemand.DeviceKey] = device };

        Assert.Equal(JobDemand.Anywhere, JobDemand.From(context));
    }
}
