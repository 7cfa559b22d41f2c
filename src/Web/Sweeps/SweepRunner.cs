using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training.Sweeps;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Sweeps;

/// <summary>
/// Runs sweeps through the <see cref="RunCoordinator"/>, so every run of a sweep is an ordinary engine run (live charts,
/// diagnosis, compare). All runs are recorded pending up front, tagged with the sweep (<see cref="SweepTags"/>); then N
/// workers (the sweep's <c>workers</c>, else <see cref="SweepOptions.Workers"/>, at most <see cref="SweepOptions.MaxWorkers"/>)
/// take them in grid order, each waiting for its run to end before starting the next.
/// </summary>
public sealed class SweepRunner(
    RunCoordinator coordinator, RunRepository runs, IOptions<SweepOptions> options, ILogger<SweepRunner> log, Cluster.ClusterJobDispatcher cluster) : IHostedService
{
    /// <summary>True when sweep runs go to cluster workers (whose devices, not this machine's, must have a run's <c>device</c>).</summary>
    public bool ToCluster => cluster.Enabled;

    private readonly ConcurrentDictionary<Guid, ActiveSweep> _sweeps = new();
    private readonly EngineRunRecorder _recorder = new(runs);
    private volatile bool _stopping;

    /// <summary>Records the runs of <paramref name="points"/> as pending and starts the sweep's workers; returns the run ids in grid order.</summary>
    public async Task<(Guid SweepId, IReadOnlyList<Guid> Runs)> StartAsync(SweepConfig sweep, IReadOnlyList<SweepPoint> points, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        var sweepId = Guid.NewGuid();
        var queue = new List<(Guid Id, SweepPoint Point)>();
        foreach (var point in points)
        {
            var id = Guid.NewGuid();
            await _recorder.CreateAsync(id, point.Config.Config, ct);
            await runs.EditAsync(id, null, SweepTags.For(sweepId, sweep.Name, point.Index, point.Settings), null, ct);
            queue.Add((id, point));
        }

        var workers = Math.Clamp(sweep.Workers ?? options.Value.Workers, 1, Math.Max(1, options.Value.MaxWorkers));
        if (cluster.Enabled) workers = Math.Max(1, queue.Count); // the cluster places every run by free capacity
        var active = new ActiveSweep(new ConcurrentQueue<(Guid, SweepPoint)>(queue));
        _sweeps[sweepId] = active;
        active.Loop = Task.Run(() => RunAsync(sweepId, active, workers), CancellationToken.None);
        return (sweepId, queue.Select(q => q.Id).ToList());
    }

    /// <summary>
    /// Running (its workers are still starting runs), completed (every run ended; some may have failed), cancelled or
    /// interrupted (the server stopped before every run ended) while this process knows the sweep; null otherwise.
    /// </summary>
    public RunStatus? StateOf(Guid sweepId) => _sweeps.TryGetValue(sweepId, out var s) ? s.State : null;

    /// <summary>Stops the sweep: no new runs start, the running ones are cancelled, the pending ones recorded cancelled. False when it is not running.</summary>
    public bool Cancel(Guid sweepId)
    {
        if (!_sweeps.TryGetValue(sweepId, out var sweep) || sweep.State != RunStatus.Running) return false;
        sweep.State = RunStatus.Cancelled;
        // The running runs first: cancelling Stop can run a worker's continuation inline, which forgets its run.
        foreach (var id in sweep.Current.Keys.ToList()) coordinator.Cancel(id);
        sweep.Stop.Cancel();
        return true;
    }

    /// <summary>Waits until the sweep's workers are done (every run ended, or the sweep was cancelled).</summary>
    public Task WaitAsync(Guid sweepId) => _sweeps.TryGetValue(sweepId, out var s) ? s.Loop! : Task.CompletedTask;

    private async Task RunAsync(Guid sweepId, ActiveSweep sweep, int workers)
    {
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => WorkAsync(sweep)));
        var reason = _stopping ? RunStatus.Interrupted : RunStatus.Cancelled;
        while (sweep.Queue.TryDequeue(out var left))
        {
            await runs.MarkEndedAsync(left.Id, reason, _stopping ? "the server stopped before the run started" : "the sweep was cancelled", CancellationToken.None);
        }

        if (sweep.State == RunStatus.Running) sweep.State = _stopping ? RunStatus.Interrupted : RunStatus.Completed;
        log.LogInformation("Sweep {SweepId} ended: {State}", sweepId, sweep.State);
    }

    private async Task WorkAsync(ActiveSweep sweep)
    {
        while (!sweep.Stop.IsCancellationRequested && sweep.Queue.TryDequeue(out var next))
        {
            try
            {
                sweep.Current[next.Id] = true;
                if (cluster.Enabled)
                {
                    await cluster.RunAsync(next.Id, next.Point.Config.Config, sweep.Stop.Token);
                    continue;
                }
                await coordinator.StartAsync(next.Point.Config, next.Id, CancellationToken.None);
                if (sweep.Stop.IsCancellationRequested) coordinator.Cancel(next.Id); // cancelled while it was starting
                await coordinator.WaitForEndAsync(next.Id).WaitAsync(sweep.Stop.Token);
            }
            catch (OperationCanceledException) when (sweep.Stop.IsCancellationRequested)
            {
                if (!cluster.Enabled && !_stopping) coordinator.Cancel(next.Id); // the sweep was cancelled: so is its run (a stopping server interrupts it instead)
                return;
            }
            catch (Exception ex) when (ex is ObjectDisposedException && _stopping)
            {
                sweep.Queue.Enqueue(next); // never started: recorded interrupted with the rest
                return;
            }
            catch (Exception ex)
            {
                log.LogWarning(ex, "Sweep run {RunId} could not start", next.Id);
                await runs.MarkEndedAsync(next.Id, RunStatus.Failed, ex.Message, CancellationToken.None);
            }
            finally
            {
                sweep.Current.TryRemove(next.Id, out _);
            }
        }
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    async Task IHostedService.StopAsync(CancellationToken cancellationToken)
    {
        // Stops before the coordinator (registered after it): no run starts any more; the coordinator interrupts the running ones.
        _stopping = true;
        var loops = _sweeps.Values.Where(s => s.Loop is not null).ToList();
        foreach (var sweep in loops) await sweep.Stop.CancelAsync();
        await Task.WhenAll(loops.Select(s => s.Loop!)).WaitAsync(cancellationToken);
    }

    private sealed class ActiveSweep(ConcurrentQueue<(Guid Id, SweepPoint Point)> queue)
    {
        public ConcurrentQueue<(Guid Id, SweepPoint Point)> Queue { get; } = queue;
        public ConcurrentDictionary<Guid, bool> Current { get; } = new();
        public CancellationTokenSource Stop { get; } = new();
        public volatile RunStatus State = RunStatus.Running;
        public Task? Loop { get; set; }
    }
}
