namespace QuantScope.Engine.Devices;

/// <summary>The memory a run on a device setting may plan with, for the up-front "model too large" check.</summary>
public static class DeviceMemory
{
    /// <summary>
    /// Where the run would train (<c>this machine</c> for the CPU, else <c>cuda:N</c>) and the bytes free there: the
    /// GPU's free memory from the driver; null for the CPU, or when the driver does not say (the estimator then uses
    /// the process's RAM).
    /// </summary>
    public static (string Where, long? FreeBytes) Available(DeviceSetting setting)
    {
        var inventory = setting.Kind == DeviceKind.Cpu ? new CudaInventory(false, 0) : CudaInventory.Current;
        var choice = DeviceResolver.Choose(setting, inventory);
        return choice.CudaIndex is { } index ? (choice.Device!, NvmlProbe.TryGet(index)?.FreeBytes) : ("this machine", null);
    }
}
