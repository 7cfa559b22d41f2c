namespace QuantScope.Web.Cluster;

/// <summary>A worker as the directory sees it: its announcement, the slots held (running + reserved) and when it was last heard, UTC.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkerStatusDto(
    [property: Id(0)] string Silo,
    [property: Id(1)] string Name,
    [property: Id(2)] int Slots,
    [property: Id(3)] int Busy,
    [property: Id(4)] IReadOnlyList<DeviceDto> Devices,
    [property: Id(5)] IReadOnlyList<Guid> Running,
    [property: Id(6)] DateTime LastSeen);
