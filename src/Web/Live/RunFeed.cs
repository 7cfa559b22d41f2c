using System.Runtime.CompilerServices;
using QuantScope.Data;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Live;

/// <summary>
/// A viewer's view of one run: history from the store, then live updates, with no gap and no double. It subscribes
/// first, reads the store second, and drops live points whose step was already in the history.
/// </summary>
public sealed class RunFeed : IDisposable
{
    private readonly LiveSubscription _subscription;
    private int _lastScalarStep;
    private int _lastLayerStep;

    private RunFeed(LiveSubscription subscription, RunEntity run, IReadOnlyList<ScalarPoint> scalars, IReadOnlyList<LayerPoint> layerPoints)
    {
        _subscription = subscription;
        Run = run;
        HistoryScalars = scalars;
        HistoryLayerPoints = layerPoints;
        _lastScalarStep = scalars.Count == 0 ? -1 : scalars.Max(p => p.Step);
        _lastLayerStep = layerPoints.Count == 0 ? -1 : layerPoints.Max(p => p.Step);
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

    /// <summary>Updates coalesced over <paramref name="throttle"/>: at most one per interval, none when nothing happens.</summary>
    public async IAsyncEnumerable<RunFeedUpdate> UpdatesAsync(TimeSpan throttle, [EnumeratorCancellation] CancellationToken ct)
    {
        var reader = _subscription.Reader;
        while (await reader.WaitToReadAsync(ct))
        {
            var scalars = new List<ScalarPoint>();
            var layerPoints = new List<LayerPoint>();
            StatusEvent? status = null;
            Drain(reader, scalars, layerPoints, ref status);
            await Task.Delay(throttle, ct);
            Drain(reader, scalars, layerPoints, ref status);
            if (scalars.Count > 0 || layerPoints.Count > 0 || status is not null)
            {
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
        var maxScalar = _lastScalarStep;
        foreach (var p in batch.Scalars)
        {
            if (p.Step <= _lastScalarStep) continue;
            scalars.Add(p);
            maxScalar = Math.Max(maxScalar, p.Step);
        }
        var maxLayer = _lastLayerStep;
        foreach (var p in batch.LayerPoints)
        {
            if (p.Step <= _lastLayerStep) continue;
            layerPoints.Add(p);
            maxLayer = Math.Max(maxLayer, p.Step);
        }
        _lastScalarStep = maxScalar;
        _lastLayerStep = maxLayer;
    }

    /// <inheritdoc />
    public void Dispose() => _subscription.Dispose();
}
