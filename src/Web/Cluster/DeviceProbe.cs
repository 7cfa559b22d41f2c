namespace QuantScope.Web.Cluster;

/// <summary>The devices a worker announces: the CPU (cores, memory available to this process) and each CUDA device TorchSharp sees.</summary>
public static class DeviceProbe
{
    /// <summary>Lists this machine's devices; CUDA ones only when the TorchSharp build has CUDA (the CPU build reports none).</summary>
    public static IReadOnlyList<DeviceDto> Detect()
    {
        var devices = new List<DeviceDto>
        {
            new($"cpu ({Environment.ProcessorCount} cores)", "cpu", GC.GetGCMemoryInfo().TotalAvailableMemoryBytes),
        };
        try
        {
            if (TorchSharp.torch.cuda.is_available())
            {
                // TorchSharp has no query for a CUDA device's memory: 0 = unknown.
                for (var i = 0; i < TorchSharp.torch.cuda.device_count(); i++) devices.Add(new DeviceDto($"cuda:{i}", "cuda", 0));
            }
        }
        catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or NotSupportedException)
        {
            // No native backend on this machine: the CPU entry stands alone; training would fail the same way and say so.
        }
        return devices;
    }
}
