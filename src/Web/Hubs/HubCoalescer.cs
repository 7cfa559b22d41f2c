using QuantScope.Engine.Telemetry;
using QuantScope.Web.Live;

namespace QuantScope.Web.Hubs;

/// <summary>
/// Merges the live events waiting for the hub into fewer messages: consecutive metric batches of one run become one
/// batch (their points in order) up to <see cref="MaxPointsPerMessage"/> points; a status event closes its run's batch,
/// so each run's order is kept (runs go to different groups, so order across runs does not matter). Four engine runs
/// logging every step and an ingest client then cost a few messages per round, not one per step per run.
/// </summary>
public static class HubCoalescer
{
    /// <summary>Points merged into one message at the most (~40 bytes of JSON each); a bigger batch is sent alone.</summary>
    public const int MaxPointsPerMessage = 20_000;

    /// <summary>The messages for <paramref name="events"/>, in each run's order.</summary>
    public static IReadOnlyList<LiveEvent> Coalesce(IReadOnlyList<LiveEvent> events, int maxPoints = MaxPointsPerMessage)
    {
        var output = new List<LiveEvent>(events.Count);
        var open = new Dictionary<Guid, Merge>(); // the run's batch still taking points, by run
        var merges = new List<Merge>();
        foreach (var e in events)
        {
            if (e is not MetricsEvent m)
            {
                open.Remove(e.RunId);
                output.Add(e);
                continue;
            }
            var points = LiveSubscription.PointsOf(m);
            if (open.TryGetValue(e.RunId, out var merge) && merge.Points + points <= maxPoints)
            {
                merge.Add(m.Batch, points);
                continue;
            }
            merge = new Merge(output.Count, m.Batch, points);
            open[e.RunId] = merge;
            merges.Add(merge);
            output.Add(m);
        }
        foreach (var merge in merges.Where(x => x.Merged))
            output[merge.Index] = new MetricsEvent(merge.ToBatch());
        return output;
    }

    private sealed class Merge(int index, MetricBatch first, long points)
    {
        private readonly List<MetricBatch> _batches = [first];

        public int Index { get; } = index;

        public long Points { get; private set; } = points;

        public bool Merged => _batches.Count > 1;

        public void Add(MetricBatch batch, long points)
        {
            _batches.Add(batch);
            Points += points;
        }

        public MetricBatch ToBatch() => new(
            _batches[0].RunId,
            _batches.SelectMany(b => b.Scalars).ToList(),
            _batches.SelectMany(b => b.LayerPoints).ToList());
    }
}
