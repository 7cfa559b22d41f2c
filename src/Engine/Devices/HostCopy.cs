using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Devices;

/// <summary>Host tensors (batches) onto a run's device.</summary>
public static class HostCopy
{
    /// <summary>
    /// <paramref name="host"/> (a CPU tensor) on <paramref name="device"/>: the tensor itself for the CPU; for CUDA a
    /// pinned, non-blocking copy that overlaps the GPU's queued work (libtorch's pinned allocator keeps the staging
    /// memory until the copy has run). The result belongs to the caller's dispose scope.
    /// </summary>
    public static Tensor ToDevice(Tensor host, Device device) =>
        device.type == DeviceType.CPU ? host : host.pin_memory().to(device, non_blocking: true);
}
