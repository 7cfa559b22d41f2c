namespace QuantScope.Engine.Telemetry;

/// <summary>The device a run trained on, as the run's page, summary and API show it.</summary>
/// <param name="Device">The torch device: <c>cpu</c> or <c>cuda:N</c>.</param>
/// <param name="Name">What it is: <c>cpu (16 cores)</c> or the GPU's name (<c>NVIDIA H100 80GB HBM3</c>).</param>
/// <param name="MemoryBytes">Its memory, bytes (RAM available to the process for the CPU); null = unknown.</param>
public sealed record DeviceInfo(string Device, string Name, long? MemoryBytes)
{
    /// <summary>Whether this is a CUDA device.</summary>
    public bool IsCuda => Device.StartsWith("cuda", StringComparison.Ordinal);
}
