using Microsoft.Extensions.Options;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Live;
using QuantScope.Web.Runs;
using StackExchange.Redis;

namespace QuantScope.Web.Cluster.Redis;

/// <summary>
/// Which runs are alive when several hosts share one store. A single host marks every run left training as
/// interrupted when it starts; with several, that would end the runs the other hosts are training. Instead each host
/// claims its live runs (the coordinator's active runs, and runs whose status or points it published) with a Redis key
/// per run that expires unless renewed (<see cref="RedisBackplaneOptions.RunLeaseSeconds"/>), and sweeps: a run the
/// store lists as pending or running whose key is missing at two sweeps in a row lost its host, and is marked
/// interrupted (and announced to viewers). While Redis is away nobody judges.
/// </summary>
public sealed class RunLeaseKeeper(
    LiveRunStore live,
    RunCoordinator coordinator,
    RunRepository runs,
    IOptions<RedisBackplaneOptions> options,
    ILogger<RunLeaseKeeper> log) : BackgroundService
{
    /// <summary>Error recorded on a run whose host stopped renewing its lease.</summary>
    public const string InterruptedError = "The dashboard host running it stopped (its lease in Redis expired).";

    private readonly Lock _lock = new();
    private readonly HashSet<Guid> _owned = []; // under _lock: the claim loop and the beat both touch it
    private HashSet<Guid> _suspects = []; // the beat's own

    private bool _redisAway;

    /// <summary>This host's id, the value of its lease keys.</summary>
    public Guid HostId { get; } = Guid.NewGuid();

    /// <summary>Runs this host marked interrupted so far.</summary>
    public int Interrupted { get; private set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var local = live.Subscribe(null);
        // Read continuously (not once per beat), so a burst of points cannot push a run's status out of the queue.
        var claims = ClaimAsync(local, stoppingToken);
        var settings = options.Value;
        var lease = TimeSpan.FromSeconds(settings.RunLeaseSeconds);
        try
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisClusterSetup.Parse(settings));
            var db = redis.GetDatabase();
            var nextSweep = DateTime.UtcNow + lease;
            using var timer = new PeriodicTimer(lease / 4); // renewed four times per lease: one late beat is harmless
            do
            {
                lock (_lock) _owned.UnionWith(coordinator.ActiveRuns);
                try
                {
                    await RenewAsync(db, settings, lease);
                    if (DateTime.UtcNow >= nextSweep)
                    {
                        await SweepAsync(db, settings, stoppingToken);
                        nextSweep = DateTime.UtcNow + lease;
                    }
                    _redisAway = false;
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    if (!_redisAway) log.LogWarning("Run leases cannot reach Redis ({Problem}); no run is judged until it is back", ex.Message);
                    _redisAway = true;
                    _suspects.Clear(); // a key missed while Redis was away proves nothing
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.LogError(ex, "Run lease sweep failed; trying again at the next beat");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Never take the host down: it keeps serving; only the judging of dead hosts' runs stops.
            log.LogError(ex, "Run leases stopped; runs of stopped hosts will not be marked interrupted");
        }
        local.Dispose();
        await claims;
    }

    /// <summary>Runs with local activity are this host's; a local end releases them.</summary>
    private async Task ClaimAsync(LiveSubscription local, CancellationToken ct)
    {
        try
        {
            await foreach (var e in local.ReadAllAsync(ct))
            {
                if (e.Remote) continue;
                lock (_lock)
                {
                    if (e is StatusEvent { Status: var ended } && ended.HasEnded()) _owned.Remove(e.RunId);
                    else _owned.Add(e.RunId);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RenewAsync(IDatabase db, RedisBackplaneOptions settings, TimeSpan lease)
    {
        var value = HostId.ToString("N");
        Guid[] owned;
        lock (_lock) owned = [.. _owned];
        await Task.WhenAll(owned.Select(id => db.StringSetAsync(settings.RunLeaseKey(id), value, lease)));
    }

    private async Task SweepAsync(IDatabase db, RedisBackplaneOptions settings, CancellationToken ct)
    {
        var open = (await runs.ListAsync(ct)).Where(r => !r.Status.HasEnded()).Select(r => r.Id).ToHashSet();
        HashSet<Guid> owned;
        lock (_lock)
        {
            _owned.RemoveWhere(id => !open.Contains(id)); // ended (a dropped end event): stop renewing it
            owned = [.. _owned];
        }

        var unclaimed = new HashSet<Guid>();
        foreach (var id in open.Where(id => !owned.Contains(id)))
        {
            if (!await db.KeyExistsAsync(settings.RunLeaseKey(id))) unclaimed.Add(id);
        }
        foreach (var id in unclaimed.Where(_suspects.Contains).ToList())
        {
            // Read again just before writing: its host may have ended it meanwhile.
            if (await runs.GetAsync(id, ct) is not { } stored || stored.Status.HasEnded()) continue;
            if (!await runs.MarkEndedAsync(id, RunStatus.Interrupted, InterruptedError, ct)) continue;
            log.LogWarning("Run {RunId} had no live host for two sweeps; marked interrupted", id);
            Interrupted++;
            unclaimed.Remove(id);
            live.Publish(new StatusEvent(id, RunStatus.Interrupted, InterruptedError, null)); // to viewers on every host
        }
        _suspects = unclaimed;
    }
}
