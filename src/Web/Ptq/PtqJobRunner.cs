using System.Collections.Concurrent;
using QuantScope.Engine.Analysis.Ptq;

namespace QuantScope.Web.Ptq;

/// <summary>
/// Runs PTQ jobs one at a time on one dedicated worker thread (TorchSharp scopes are thread-static; one job at a time
/// keeps a 2-core machine responsive next to training runs). Jobs are kept in memory for polling; the oldest finished
/// ones are forgotten beyond <see cref="MaxKeptJobs"/>.
/// </summary>
public sealed class PtqJobRunner : IDisposable
{
    /// <summary>Finished jobs kept for polling.</summary>
    public const int MaxKeptJobs = 64;

    private readonly ConcurrentDictionary<Guid, PtqJob> _jobs = new();
    private readonly ConcurrentQueue<Guid> _order = new();
    private readonly BlockingCollection<PtqJob> _queue = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger<PtqJobRunner> _log;
    private readonly Thread _worker;

    /// <summary>Starts the worker thread.</summary>
    public PtqJobRunner(ILogger<PtqJobRunner> log)
    {
        _log = log;
        _worker = new Thread(Work) { IsBackground = true, Name = "ptq" };
        _worker.Start();
    }

    /// <summary>Queues a job and returns it.</summary>
    public PtqJob Enqueue(Guid runId, PtqPrepared prepared, PtqRequest request)
    {
        ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
        var job = new PtqJob(runId, prepared, request);
        _jobs[job.Id] = job;
        _order.Enqueue(job.Id);
        while (_order.Count > MaxKeptJobs && _order.TryPeek(out var oldest) && _jobs.TryGetValue(oldest, out var old) && old.Ended.Task.IsCompleted)
        {
            _order.TryDequeue(out _);
            _jobs.TryRemove(oldest, out _);
        }

        _queue.Add(job);
        return job;
    }

    /// <summary>The latest completed report of <paramref name="runId"/> that ranked layers by sensitivity, or null.</summary>
    public PtqReport? LatestSensitivity(Guid runId) => _order.Reverse()
        .Select(id => _jobs.GetValueOrDefault(id))
        .FirstOrDefault(j => j is not null && j.RunId == runId && j.Result is { Sensitivity.Count: > 0 })?.Result;

    /// <summary>The job, or null when unknown (or forgotten).</summary>
    public PtqJob? Get(Guid jobId) => _jobs.GetValueOrDefault(jobId);

    private void Work()
    {
        try
        {
            foreach (var job in _queue.GetConsumingEnumerable(_stop.Token))
            {
                job.Start();
                try
                {
                    job.Finish(PtqService.Execute(job.Prepared, job.Request, job, _stop.Token), null);
                }
                catch (OperationCanceledException)
                {
                    job.Finish(null, "the server is stopping", cancelled: true);
                }
                catch (Exception ex)
                {
                    _log.LogWarning(ex, "PTQ job {JobId} of run {RunId} failed", job.Id, job.RunId);
                    job.Finish(null, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping: queued jobs are abandoned with the process
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _queue.CompleteAdding();
        _worker.Join(TimeSpan.FromSeconds(10));
        _stop.Dispose();
        _queue.Dispose();
    }
}
