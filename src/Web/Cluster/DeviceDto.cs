using QuantScope.Engine.Hosting;

namespace QuantScope.Web.Cluster;

/// <summary>
/// One compute device a worker announces: <c>cpu (N cores)</c> or <c>cuda:N (board)</c>, with its memory in bytes
/// (0 = unknown), for CUDA the memory free at the announcement (0 = unknown) and the device number placement uses.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DeviceDto(
    [property: Id(0)] string Name,
    [property: Id(1)] string Kind,
    [property: Id(2)] long MemoryBytes,
    [property: Id(3)] long FreeBytes = 0,
    [property: Id(4)] int? CudaIndex = null)
{
    /// <summary>The wire form of a device the engine found (<see cref="DeviceProbe"/>).</summary>
    public static DeviceDto From(ComputeDevice device) =>
        new(device.Name, device.Kind, device.MemoryBytes, device.FreeBytes, device.CudaIndex);
}
