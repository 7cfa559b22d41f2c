namespace QuantScope.Engine.Devices;

/// <summary>What the build and the machine offer of CUDA: whether the build carries CUDA, and how many devices libtorch sees.</summary>
/// <param name="BuildHasCuda">The build was made with <c>-p:TorchBackend=cuda</c>.</param>
/// <param name="DeviceCount">CUDA devices libtorch sees (0 without a driver or a GPU).</param>
public sealed record CudaInventory(bool BuildHasCuda, int DeviceCount)
{
    private static readonly Lazy<CudaInventory> Probed = new(Probe);

    /// <summary>This process's inventory (probed once: devices do not come and go under a running process).</summary>
    public static CudaInventory Current => Probed.Value;

    private static CudaInventory Probe()
    {
        try
        {
            var count = TorchSharp.torch.cuda.is_available() ? TorchSharp.torch.cuda.device_count() : 0;
            return new CudaInventory(TorchBuild.HasCuda || count > 0, count);
        }
        catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or NotSupportedException)
        {
            return new CudaInventory(TorchBuild.HasCuda, 0); // no native backend here: training fails the same way and says so
        }
    }
}
