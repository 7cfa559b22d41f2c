using System.Text.Json;
using QuantScope.Web.Hubs;
using QuantScope.Web.Live;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Cluster.Redis;

/// <summary>
/// Live events to and from the bridge's Redis messages (the API's JSON dialect: NaN travels as "NaN"). Decoded events
/// are marked <see cref="LiveEvent.Remote"/>: they are shown, never persisted nor broadcast again.
/// </summary>
public static class LiveEnvelopeCodec
{
    /// <summary>The message for <paramref name="events"/> of host <paramref name="origin"/>.</summary>
    public static byte[] Encode(Guid origin, IEnumerable<LiveEvent> events)
    {
        var dtos = events.Select(e => e switch
        {
            MetricsEvent m => new LiveEventDto(m.Batch, null),
            StatusEvent s => new LiveEventDto(null, new RunStatusDto(s.RunId, s.Status, s.Error, s.Layers)),
            _ => throw new ArgumentException($"Unknown live event {e.GetType().Name}.", nameof(events)),
        }).ToList();
        return JsonSerializer.SerializeToUtf8Bytes(new LiveEnvelopeDto(origin, dtos), JsonDefaults.Options);
    }

    /// <summary>
    /// The origin and the events of a message; entries that are neither a well-formed batch nor a status are skipped.
    /// </summary>
    /// <exception cref="JsonException">The message is not an envelope.</exception>
    public static (Guid Origin, IReadOnlyList<LiveEvent> Events) Decode(ReadOnlySpan<byte> message)
    {
        var envelope = JsonSerializer.Deserialize<LiveEnvelopeDto>(message, JsonDefaults.Options)
            ?? throw new JsonException("The message is null.");
        var events = new List<LiveEvent>(envelope.Events?.Count ?? 0);
        foreach (var dto in envelope.Events ?? [])
        {
            if (dto?.Batch is { } b && b.Scalars is not null && b.LayerPoints is not null
                && b.Scalars.All(p => p?.Metric is not null)
                && b.LayerPoints.All(p => p?.Metric is not null && p.Role is not null && p.Values is not null))
            {
                events.Add(new MetricsEvent(b) { Remote = true });
            }
            else if (dto?.Status is { } s)
            {
                events.Add(new StatusEvent(s.RunId, s.Status, s.Error, s.Layers) { Remote = true });
            }
        }
        return (envelope.Origin, events);
    }
}
