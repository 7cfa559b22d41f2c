namespace QuantScope.Engine.Hosting;

/// <summary>
/// The devices the engine can train on here: the CPU (cores, memory available to this process) and each CUDA device
/// TorchSharp sees. Hosts (a cluster worker announcing itself) ask here, so they need no TorchSharp of their own.
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
                // TorchSharp has no query for a CUDA device's memory: 0 = unknown.
                for (var i = 0; i < TorchSharp.torch.cuda.device_count(); i++) devices.Add(new ComputeDevice($"cuda:{i}", "cuda", 0));
            }
        }
        catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or NotSupportedException)
        {
            // No native backend on this machine: the CPU entry stands alone; training would fail the same way and say so.
        }
        return devices;
    }
}
