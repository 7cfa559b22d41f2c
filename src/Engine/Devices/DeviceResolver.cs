namespace QuantScope.Engine.Devices;

/// <summary>
/// Picks the torch device a <see cref="DeviceSetting"/> means on a build and machine (<see cref="CudaInventory"/>):
/// pure, so every case is tested without a GPU. <c>auto</c> never fails; <c>cuda</c> on a CPU-only build, on a machine
/// with no visible GPU, or <c>cuda:3</c> with one GPU each get their own reason.
/// </summary>
public static class DeviceResolver
{
    /// <summary>Where README explains the CUDA build.</summary>
    public const string Help = "README: Train on a GPU";

    /// <summary>The device <paramref name="setting"/> picks given <paramref name="cuda"/>.</summary>
    public static DeviceChoice Choose(DeviceSetting setting, CudaInventory cuda)
    {
        ArgumentNullException.ThrowIfNull(cuda);
        switch (setting.Kind)
        {
            case DeviceKind.Cpu:
                return new DeviceChoice("cpu", null);
            case DeviceKind.Auto:
                return cuda.DeviceCount > 0 ? new DeviceChoice("cuda:0", null, 0) : new DeviceChoice("cpu", null);
        }

        if (!cuda.BuildHasCuda)
            return new DeviceChoice(null, $"'{setting}' is not available: this is a CPU-only build (TorchSharp-cpu); build with -p:TorchBackend=cuda ({Help}), or use cpu or auto");
        if (cuda.DeviceCount == 0)
            return new DeviceChoice(null, $"'{setting}' is not available: no CUDA device is visible (NVIDIA driver missing, or CUDA_VISIBLE_DEVICES hides them); use cpu or auto");
        var index = setting.Index ?? 0;
        if (index >= cuda.DeviceCount)
        {
            var range = cuda.DeviceCount == 1 ? "cuda:0" : $"cuda:0 to cuda:{cuda.DeviceCount - 1}";
            return new DeviceChoice(null, $"'{setting}' does not exist: this machine has {cuda.DeviceCount} CUDA device{(cuda.DeviceCount == 1 ? "" : "s")} ({range})");
        }
        return new DeviceChoice($"cuda:{index}", null, index);
    }
}
