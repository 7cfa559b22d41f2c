using System.Text.Json;
using Microsoft.Extensions.Options;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using QuantScope.Web.Live;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Cluster;

/// <summary>
/// Hands runs to the cluster (dashboard side). Each run is an <see cref="IRunJobGrain"/> that Orleans places on the
/// worker with the most free slots; every <see cref="ClusterModeOptions.PollSeconds"/> the dispatcher calls it again:
/// a live activation reports progress, a lost worker's job is activated (placed) on another worker and resumes there.
/// When the job reports an end, its summary and end are queued behind its points, as for a local run.
/// </summary>
public sealed class ClusterJobDispatcher(
    IServiceProvider services, RunRepository runs, MetricIngress ingress, IOptions<ClusterModeOptions> options, ILogger<ClusterJobDispatcher> log)
{
    private readonly Lock _sinkLock = new();
    private readonly SemaphoreSlim _placing = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, RemoteRun> _finished = new(); // this process's ended cluster runs
    private ClusterRunSink? _sink; // held strongly: Orleans keeps only a weak reference to an observer object
    private IRunSink? _sinkReference;

    /// <summary>True when sweeps go to the cluster (<see cref="ClusterModeOptions.Enabled"/>).</summary>
    public bool Enabled => options.Value.Enabled;

    /// <summary>Ids of the runs on the cluster now.</summary>
    public IReadOnlyCollection<Guid> ActiveRuns => _sink?.Tracked ?? [];

    /// <summary>Names of the workers that started an attempt of the run, first to last (empty when unknown here).</summary>
    public IReadOnlyList<string> WorkersOf(Guid runId) => Known(runId)?.Workers ?? [];

    /// <summary>For each attempt of the run, the checkpoint step it resumed after (null = from scratch).</summary>
    public IReadOnlyList<int?> ResumesOf(Guid runId) => Known(runId)?.Resumes ?? [];

    private RemoteRun? Known(Guid runId) => _sink?.Find(runId) ?? _finished.GetValueOrDefault(runId);

    /// <summary>Asks a cluster run to stop (it ends cancelled once its worker stops it). False when it is not on the cluster.</summary>
    public bool Cancel(Guid runId)
    {
        if (_sink?.Find(runId) is not { } run) return false;
        run.Cancellation.Cancel();
        return true;
    }

    /// <summary>
    /// Trains a run already recorded as pending on the cluster, until it ends; returns how it ended.
    /// <paramref name="ct"/> cancels it (on its worker, then recorded cancelled).
    /// </summary>
    public async Task<RunStatus> RunAsync(Guid runId, TrainConfig config, CancellationToken ct)
    {
        var (sink, sinkReference) = Sink();
        var run = sink.Track(runId);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, run.Cancellation.Token);
        var grain = Grains.GetGrain<IRunJobGrain>(runId);
        var configJson = JsonSerializer.Serialize(config, JsonDefaults.Options);
        // The job's device travels with every call of this flow to the placement director: a CUDA job is placed only
        // on a worker with a free CUDA device (and waits while there is none). AsyncLocal: it stays inside this run's flow.
        var demand = JobDemand.Of(config);
        demand.Put(RequestContext.Set);
        var poll = TimeSpan.FromSeconds(options.Value.PollSeconds);
        string? lastProblem = null;
        try
        {
            while (true)
            {
                if (stop.IsCancellationRequested) return await CancelAsync(grain, run);
                try
                {
                    JobStatusDto? status;
                    if (run.Attempt == 0)
                    {
                        // First placements go one at a time, after a free slot is seen: jobs racing for one slot would
                        // fail placement (Orleans logs each as an error) and the losers' calls return late.
                        try
                        {
                            await _placing.WaitAsync(stop.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            continue; // the loop's top records the cancel
                        }
                        try
                        {
                            status = await Grains.GetGrain<IWorkerDirectoryGrain>(0).FreeSlotsAsync(demand) > 0
                                ? await grain.EnsureAsync(new RunJobDto(runId, configJson, run.Attempt + 1), sinkReference)
                                : null;
                        }
                        finally
                        {
                            _placing.Release();
                        }
                    }
                    else
                    {
                        status = await grain.EnsureAsync(new RunJobDto(runId, configJson, run.Attempt + 1), sinkReference);
                    }
                    if (status is null)
                    {
                        await Task.Delay(poll, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                        continue;
                    }
                    if (status.Attempt > run.Attempt) run.Accept(status.Attempt, status.Worker);
                    if (status.Ended) return await FinishAsync(grain, runId, status, null);
                    lastProblem = null;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
                {
                    // No free slot yet, or the worker was lost and the cluster has not yet noticed: try again next poll.
                    if (ex.Message != lastProblem) log.LogInformation("Run {RunId} waits for the cluster: {Problem}", runId, ex.Message);
                    lastProblem = ex.Message;
                }
                await Task.Delay(poll, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        finally
        {
            _finished[runId] = run;
            sink.Untrack(runId);
        }
    }

    private async Task<RunStatus> CancelAsync(IRunJobGrain grain, RemoteRun run)
    {
        if (run.Attempt == 0) return await FinishAsync(grain, run.RunId, null, "cancelled before any worker took it");
        var poll = TimeSpan.FromSeconds(options.Value.PollSeconds);
        var deadline = DateTime.UtcNow.AddSeconds(30 * options.Value.PollSeconds + 30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await grain.CancelAsync();
                var status = await grain.PeekAsync();
                if (status is null || status.Ended) return await FinishAsync(grain, run.RunId, status, null);
            }
            catch (Exception ex)
            {
                log.LogDebug(ex, "Cancelling run {RunId} on its worker failed; retrying", run.RunId);
            }
            await Task.Delay(poll);
        }
        return await FinishAsync(grain, run.RunId, null, "its worker did not confirm the cancel in time");
    }

    private async Task<RunStatus> FinishAsync(IRunJobGrain grain, Guid runId, JobStatusDto? status, string? note)
    {
        // A worker reports Running, Completed, Failed or Cancelled; no report (or none in time) ends the run as cancelled.
        var result = status?.State is { } state and (RunStatus.Completed or RunStatus.Failed) ? state : RunStatus.Cancelled;
        if (status?.SummaryJson is { } summary) await runs.SetSummaryAsync(runId, summary, CancellationToken.None);
        // Every batch the worker sent was queued before it reported the end: the end lands behind the run's points.
        await ingress.EndRunAsync(runId, result, status?.Error ?? note, CancellationToken.None);
        try
        {
            await grain.ForgetAsync();
        }
        catch (Exception ex)
        {
            log.LogDebug(ex, "Run {RunId}: the worker could not forget the job (it will be collected)", runId);
        }
        log.LogInformation("Run {RunId} ended on the cluster: {Status}", runId, result);
        return result;
    }

    private IGrainFactory Grains => services.GetService<IGrainFactory>() ?? throw new InvalidOperationException(
        "Cluster:Enabled is true but no Orleans client is configured: set Cluster:ConnectionString (the PostgreSQL membership database)");

    private (ClusterRunSink Sink, IRunSink Reference) Sink()
    {
        lock (_sinkLock)
        {
            if (_sink is null)
            {
                _sink = new ClusterRunSink(runs, ingress, services.GetRequiredService<ILogger<ClusterRunSink>>());
                _sinkReference = Grains.CreateObjectReference<IRunSink>(_sink);
            }
            return (_sink, _sinkReference!);
        }
    }
}
