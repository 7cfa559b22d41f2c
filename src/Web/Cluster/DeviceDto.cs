using QuantScope.Engine.Hosting;

namespace QuantScope.Web.Cluster;

/// <summary>One compute device a worker announces: <c>cpu</c> or <c>cuda:N</c>, with its memory in bytes (0 = unknown).</summary>
[GenerateSerializer, Immutable]
public sealed record DeviceDto([property: Id(0)] string Name, [property: Id(1)] string Kind, [property: Id(2)] long MemoryBytes)
{
    /// <summary>The wire form of a device the engine found (<see cref="DeviceProbe"/>).</summary>
    public static DeviceDto From(ComputeDevice device) => new(device.Name, device.Kind, device.MemoryBytes);
}
