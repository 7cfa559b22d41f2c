using Microsoft.Extensions.Options;
using QuantScope.Engine.Hosting;

namespace QuantScope.Web.Cluster;

/// <summary>
/// Tells the <see cref="IWorkerDirectoryGrain"/> about this worker every <see cref="ClusterModeOptions.HeartbeatSeconds"/>
/// once the silo is active: its devices (probed each time: a GPU's free memory moves, and placement reads it), its
/// slots and the jobs it trains.
/// </summary>
public sealed class WorkerAnnouncer(IOptions<ClusterModeOptions> options, ILocalSiloDetails silo, IGrainFactory grains, WorkerRunHost host, ILogger<WorkerAnnouncer> log)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    /// <summary>What this worker announces now.</summary>
    public WorkerInfoDto Describe() => new(
        silo.SiloAddress, host.WorkerName, options.Value.Slots, DeviceProbe.Detect().Select(DeviceDto.From).ToList(), host.Running, options.Value.HeartbeatSeconds);

    void ILifecycleParticipant<ISiloLifecycle>.Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(WorkerAnnouncer), ServiceLifecycleStage.Active + 1, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken ct)
    {
        _loop = Task.Run(LoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken ct)
    {
        await _stop.CancelAsync();
        await _loop.WaitAsync(ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task LoopAsync()
    {
        var period = TimeSpan.FromSeconds(options.Value.HeartbeatSeconds);
        var directory = grains.GetGrain<IWorkerDirectoryGrain>(0);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await directory.AnnounceAsync(Describe());
            }
            catch (Exception ex) when (!_stop.IsCancellationRequested)
            {
                // The directory's silo may be gone: it is activated again elsewhere on the next try.
                log.LogDebug(ex, "Worker {Worker} could not announce itself", host.WorkerName);
            }
            await Task.Delay(period, _stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
