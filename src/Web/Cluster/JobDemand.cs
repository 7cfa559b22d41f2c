using QuantScope.Engine.Devices;
using QuantScope.Engine.Model.Hf;
using QuantScope.Engine.Training;

namespace QuantScope.Web.Cluster;

/// <summary>
/// What a job asks of the worker it is placed on: its config's <c>device</c> and, for CUDA jobs, the device memory its
/// training needs (<see cref="MemoryEstimator"/>'s QAT estimate). <c>auto</c> (also a config without a device: the
/// worker's own <c>Training:Device</c> decides) and <c>cpu</c> run anywhere; <c>cuda</c> and <c>cuda:N</c> only on a
/// worker that announced that CUDA device with a free slot on it and, when both are known, enough free memory.
/// Travels to the placement director in the call's request context (<see cref="Put"/>, <see cref="From"/>).
/// </summary>
/// <param name="Device">The config's device setting, as in a config: <c>auto</c>, <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>.</param>
/// <param name="MemoryBytes">Device memory the job needs, bytes; null = not estimated (no memory check).</param>
[GenerateSerializer, Immutable]
public sealed record JobDemand([property: Id(0)] string Device, [property: Id(1)] long? MemoryBytes = null)
{
    /// <summary>Request-context key of the device setting (text).</summary>
    public const string DeviceKey = "quantscope.job.device";

    /// <summary>Request-context key of the memory need (bytes, a long).</summary>
    public const string MemoryKey = "quantscope.job.memoryBytes";

    /// <summary>A job with no device constraint.</summary>
    public static JobDemand Anywhere { get; } = new("auto");

    /// <summary>The device asked for; text that is not a device setting reads as <c>auto</c> (never sent: <see cref="Of"/> writes settings only).</summary>
    public DeviceSetting Setting => DeviceSetting.TryParse(Device, out var setting) ? setting : DeviceSetting.Auto;

    /// <summary>True for <c>cuda</c> and <c>cuda:N</c>: only a worker with that CUDA device may take the job.</summary>
    public bool NeedsCuda => Setting.Kind == DeviceKind.Cuda;

    /// <summary>The demand of <paramref name="config"/>: its device, and for CUDA its training memory (the twin doubled when it trains a baseline).</summary>
    public static JobDemand Of(TrainConfig config)
    {
        var device = config.Device ?? DeviceSetting.Auto;
        return device.Kind == DeviceKind.Cuda
            ? new JobDemand(device.ToString(), MemoryEstimator.Estimate(config.Model, "qat", config.Baseline, availableBytes: 0).RequiredBytes)
            : new JobDemand(device.ToString());
    }

    /// <summary>Writes this demand into <paramref name="context"/> (Orleans' request context of the next grain call).</summary>
    public void Put(Action<string, object> context)
    {
        context(DeviceKey, Device);
        if (MemoryBytes is { } bytes) context(MemoryKey, bytes);
    }

    /// <summary>The demand a placement target carries; <see cref="Anywhere"/> when it carries none (or one not understood).</summary>
    public static JobDemand From(IDictionary<string, object>? context)
    {
        if (context is null || !context.TryGetValue(DeviceKey, out var text) || !DeviceSetting.TryParse(text as string, out var device))
            return Anywhere;
        return new JobDemand(device.ToString(), context.TryGetValue(MemoryKey, out var bytes) && bytes is long b ? b : null);
    }

    /// <summary>For logs and "waits" messages: <c>cuda (needs 3.2 GiB)</c>.</summary>
    public override string ToString() =>
        MemoryBytes is { } bytes ? $"{Device} (needs {bytes / (double)(1L << 30):0.0} GiB)" : Device.ToString();
}
