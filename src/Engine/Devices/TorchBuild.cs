namespace QuantScope.Engine.Devices;

/// <summary>Which libtorch backend this build carries: chosen by the MSBuild switch <c>-p:TorchBackend=cpu|cuda</c>.</summary>
public static class TorchBuild
{
    /// <summary><c>cpu</c> (TorchSharp-cpu, the default) or <c>cuda</c> (TorchSharp-cuda-linux / -windows).</summary>
#if TORCH_CUDA
    public const string Backend = "cuda";
#else
    public const string Backend = "cpu";
#endif

    /// <summary>Whether this build can drive CUDA devices at all.</summary>
    public static bool HasCuda => Backend == "cuda";
}
