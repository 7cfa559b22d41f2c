namespace QuantScope.Engine.Hosting;

/// <summary>One compute device this machine offers the engine.</summary>
/// <param name="Name">What to show: <c>cpu (N cores)</c>, or <c>cuda:N (board name)</c> (<c>cuda:N</c> when the driver gives no name).</param>
/// <param name="Kind"><c>cpu</c> or <c>cuda</c>.</param>
/// <param name="MemoryBytes">Memory available to this process on the device (CUDA: the board's total), bytes; 0 = unknown.</param>
/// <param name="FreeBytes">CUDA: device memory free now (all processes), bytes; 0 = unknown (and always 0 for the CPU).</param>
/// <param name="CudaIndex">CUDA: the device number N of <c>cuda:N</c>; null for the CPU.</param>
public sealed record ComputeDevice(string Name, string Kind, long MemoryBytes, long FreeBytes = 0, int? CudaIndex = null);
