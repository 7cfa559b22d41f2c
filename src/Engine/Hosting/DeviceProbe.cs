using QuantScope.Engine.Devices;

namespace QuantScope.Engine.Hosting;

/// <summary>
/// The devices the engine can train on here: the CPU (cores, memory available to this process) and each CUDA device
/// TorchSharp sees, named and sized by the driver (<see cref="NvmlProbe"/>). Hosts (a cluster worker announcing itself) ask here, so they need no TorchSharp of their own.
/// </summary>
public static class DeviceProbe
{
    /// <summary>Lists this machine's devices, the CPU first; CUDA ones only when the TorchSharp build has CUDA (the CPU build reports none).</summary>
    public static IReadOnlyList<ComputeDevice> Detect()
    {
        var devices = new List<ComputeDevice>
        {
            new($"cpu ({Environment.ProcessorCount} cores)", "cpu", GC.GetGCMemoryInfo().TotalAvailableMemoryBytes),
        };
        try
        {
            if (TorchSharp.torch.cuda.is_available())
            {
                for (var i = 0; i < TorchSharp.torch.cuda.device_count(); i++) devices.Add(Cuda(i, NvmlProbe.TryGet(i)));
            }
        }
        catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or NotSupportedException)
        {
            // No native backend on this machine: the CPU entry stands alone; training would fail the same way and say so.
        }
        return devices;
    }

    /// <summary>
    /// <c>cuda:<paramref name="index"/></c> as the driver describes it (TorchSharp has no query for a device's name or
    /// memory); null <paramref name="gpu"/> (no NVML) gives the bare number with memory 0 = unknown.
    /// </summary>
    internal static ComputeDevice Cuda(int index, GpuInfo? gpu) =>
        gpu is null
            ? new ComputeDevice($"cuda:{index}", "cuda", 0, 0, index)
            : new ComputeDevice($"cuda:{index} ({gpu.Name})", "cuda", gpu.TotalBytes ?? 0, gpu.FreeBytes ?? 0, index);
}
