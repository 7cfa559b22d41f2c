namespace QuantScope.Engine.Hosting;

/// <summary>One compute device this machine offers the engine.</summary>
/// <param name="Name">What to show: <c>cpu (N cores)</c> or <c>cuda:N</c>.</param>
/// <param name="Kind"><c>cpu</c> or <c>cuda</c>.</param>
/// <param name="MemoryBytes">Memory available to this process on the device, bytes; 0 = unknown.</param>
public sealed record ComputeDevice(string Name, string Kind, long MemoryBytes);
