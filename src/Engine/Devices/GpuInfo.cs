namespace QuantScope.Engine.Devices;

/// <summary>One CUDA device as the driver reports it (NVML); sizes in bytes, null where the driver could not say.</summary>
/// <param name="Index">The CUDA device number (<c>cuda:N</c>).</param>
/// <param name="Name">The board's name, e.g. <c>NVIDIA H100 80GB HBM3</c>.</param>
/// <param name="TotalBytes">Device memory, bytes.</param>
/// <param name="FreeBytes">Device memory free now (all processes), bytes.</param>
public sealed record GpuInfo(int Index, string Name, long? TotalBytes, long? FreeBytes);
