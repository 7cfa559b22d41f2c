using System.Diagnostics;
using System.Runtime.CompilerServices;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Live;

/// <summary>
/// A viewer's view of one run: history from the store, then live updates, with no gap and no double. It subscribes
/// first, reads the store second, and drops live points whose step was already in the history — per series (a metric,
/// and its role for layer points): evaluations, pretraining and training number their steps independently.
/// </summary>
public sealed class RunFeed : IDisposable
{
    private readonly LiveSubscription _subscription;
    private readonly Dictionary<string, int> _lastStep = new(StringComparer.Ordinal);

    private RunFeed(LiveSubscription subscription, RunEntity run, IReadOnlyList<ScalarPoint> scalars, IReadOnlyList<LayerPoint> layerPoints)
    {
        _subscription = subscription;
        Run = run;
        HistoryScalars = scalars;
        HistoryLayerPoints = layerPoints;
        foreach (var p in scalars) Seen(p.Metric, p.Step);
        foreach (var p in layerPoints) Seen(LayerKey(p), p.Step);
    }

    /// <summary>The run as stored when the feed opened.</summary>
    public RunEntity Run { get; }

    /// <summary>Per-step points stored when the feed opened, steps ascending.</summary>
    public IReadOnlyList<ScalarPoint> HistoryScalars { get; }

    /// <summary>Per-layer points stored when the feed opened, steps ascending.</summary>
    public IReadOnlyList<LayerPoint> HistoryLayerPoints { get; }

    /// <summary>Opens the feed of a run; null when there is no such run.</summary>
    public static async Task<RunFeed?> OpenAsync(Guid runId, LiveRunStore live, RunRepository runs, MetricSeriesRepository series, CancellationToken ct)
    {
        var subscription = live.Subscribe(runId);
        try
        {
            var run = await runs.GetAsync(runId, ct);
            if (run is null)
            {
                subscription.Dispose();
                return null;
            }
            var scalars = await series.ReadScalarPointsAsync(runId, ct);
            var layerPoints = await series.ReadLayerPointsAsync(runId, ct);
            return new RunFeed(subscription, run, scalars, layerPoints);
        }
        catch
        {
            subscription.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Updates at most one per <paramref name="throttle"/>, none when nothing happens. A point that arrives when the
    /// last update is at least one interval old goes out at once (an idle page shows a step as soon as it ends); one
    /// that arrives sooner waits for the interval's end, with whatever else came meanwhile (a busy run is coalesced).
    /// The caller applies an update before asking for the next, so a slow page gets fewer, larger updates.
    /// </summary>
    public async IAsyncEnumerable<RunFeedUpdate> UpdatesAsync(TimeSpan throttle, [EnumeratorCancellation] CancellationToken ct)
    {
        var reader = _subscription.Reader;
        long? lastYield = null;
        while (await reader.WaitToReadAsync(ct))
        {
            var scalars = new List<ScalarPoint>();
            var layerPoints = new List<LayerPoint>();
            StatusEvent? status = null;
            Drain(reader, scalars, layerPoints, ref status);
            var wait = lastYield is { } last ? throttle - Stopwatch.GetElapsedTime(last) : TimeSpan.Zero;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, ct);
                Drain(reader, scalars, layerPoints, ref status);
            }
            if (scalars.Count > 0 || layerPoints.Count > 0 || status is not null)
            {
                lastYield = Stopwatch.GetTimestamp();
                yield return new RunFeedUpdate(scalars, layerPoints, status);
            }
        }
    }

    private void Drain(System.Threading.Channels.ChannelReader<LiveEvent> reader, List<ScalarPoint> scalars, List<LayerPoint> layerPoints, ref StatusEvent? status)
    {
        while (reader.TryRead(out var e))
        {
            switch (e)
            {
                case MetricsEvent m:
                    Take(m.Batch, scalars, layerPoints);
                    break;
                case StatusEvent s:
                    // Keep the layer list once known, even if a later status event does not repeat it.
                    status = s with { Layers = s.Layers ?? status?.Layers };
                    break;
            }
        }
    }

    private void Take(MetricBatch batch, List<ScalarPoint> scalars, List<LayerPoint> layerPoints)
    {
        foreach (var p in batch.Scalars)
        {
            if (Seen(p.Metric, p.Step)) scalars.Add(p);
        }

        foreach (var p in batch.LayerPoints)
        {
            if (Seen(LayerKey(p), p.Step)) layerPoints.Add(p);
        }
    }

    private static string LayerKey(LayerPoint p) => p.Metric + "/" + p.Role;

    /// <summary>True (and remembered) when <paramref name="step"/> is new for that series.</summary>
    private bool Seen(string series, int step)
    {
        if (_lastStep.TryGetValue(series, out var last) && step <= last) return false;
        _lastStep[series] = step;
        return true;
    }

    /// <inheritdoc />
    public void Dispose() => _subscription.Dispose();
}
