namespace QuantScope.Engine.Devices;

/// <summary>What a run's <c>device</c> setting asks for.</summary>
public enum DeviceKind
{
    /// <summary>"auto": the first CUDA device when the build and the machine have one, else the CPU.</summary>
    Auto,
    /// <summary>"cpu".</summary>
    Cpu,
    /// <summary>"cuda" (the first CUDA device) or "cuda:N".</summary>
    Cuda,
}
