using Orleans.Runtime.Placement;

namespace QuantScope.Web.Cluster;

/// <summary>
/// Places a job grain on the live worker with the most free slots that can take the job's <see cref="JobDemand"/>
/// (carried in the placing call's request context: a CUDA job needs a free CUDA device), holding one slot for it in the
/// <see cref="IWorkerDirectoryGrain"/>; throws when no worker fits (the dashboard retries the job later).
/// Silos that never announced themselves (a dashboard hosting a silo) get no jobs.
/// </summary>
public sealed class FreeCapacityPlacementDirector(IServiceProvider services) : IPlacementDirector
{
    /// <summary>Start of the message of the error raised when every worker is full; the dashboard waits on it.</summary>
    public const string NoFreeWorker = "no worker has a free slot";

    /// <inheritdoc />
    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        // Resolved per call: the grain factory depends (indirectly) on the placement service that holds this director.
        var directory = services.GetRequiredService<IGrainFactory>().GetGrain<IWorkerDirectoryGrain>(0);
        var silos = context.GetCompatibleSilos(target);
        var demand = JobDemand.From(target.RequestContextData);
        var chosen = await directory.ReserveAsync(target.GrainIdentity.GetGuidKey(), silos, demand);
        return chosen ?? throw new InvalidOperationException(demand.NeedsCuda
            ? $"{NoFreeWorker} with a free CUDA device for {demand} (live silos: {silos.Length}); the job waits"
            : $"{NoFreeWorker} (live silos: {silos.Length}); the job waits");
    }
}
