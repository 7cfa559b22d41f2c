namespace QuantScope.Web.Cluster;

/// <summary>What a worker announces every heartbeat: where it is, its devices, how many runs it takes and which it trains now.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkerInfoDto(
    [property: Id(0)] SiloAddress Silo,
    [property: Id(1)] string Name,
    [property: Id(2)] int Slots,
    [property: Id(3)] IReadOnlyList<DeviceDto> Devices,
    [property: Id(4)] IReadOnlyList<Guid> Running,
    [property: Id(5)] double HeartbeatSeconds);
