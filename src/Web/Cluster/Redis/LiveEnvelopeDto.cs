namespace QuantScope.Web.Cluster.Redis;

/// <summary>
/// One Redis message of the live bridge: events of one host, in the order it saw them. <paramref name="Origin"/> is
/// the sending host's id, so a host ignores its own messages.
/// </summary>
public sealed record LiveEnvelopeDto(Guid Origin, IReadOnlyList<LiveEventDto> Events);
