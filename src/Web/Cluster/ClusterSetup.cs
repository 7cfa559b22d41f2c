using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;

namespace QuantScope.Web.Cluster;

/// <summary>Registration of the cluster parts: the dashboard's dispatcher (and Orleans client), and a worker silo's services.</summary>
public static class ClusterSetup
{
    /// <summary>
    /// Adds the dispatcher; with <see cref="ClusterModeOptions.Enabled"/> and a connection string, also an Orleans client
    /// joining the cluster through the ADO.NET (PostgreSQL) membership table. Throws naming the field on bad settings.
    /// </summary>
    public static WebApplicationBuilder AddQuantScopeCluster(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(ClusterModeOptions.Section);
        builder.Services.Configure<ClusterModeOptions>(section);
        builder.Services.AddSingleton<ClusterJobDispatcher>();
        var options = section.Get<ClusterModeOptions>() ?? new ClusterModeOptions();
        if (!options.Enabled) return builder;
        var errors = options.Validate();
        if (errors.Count > 0) throw new OptionsValidationException(ClusterModeOptions.Section, typeof(ClusterModeOptions), errors.Select(e => e.ToString()));
        if (string.IsNullOrWhiteSpace(options.ConnectionString)) return builder; // tests supply their own cluster client
        builder.UseOrleansClient(client => client.UseQuantScopeCluster(options));
        return builder;
    }

    /// <summary>Points an Orleans client at the cluster: ADO.NET (PostgreSQL) membership, cluster and service ids.</summary>
    public static IClientBuilder UseQuantScopeCluster(this IClientBuilder client, ClusterModeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return client
            .UseAdoNetClustering(o =>
            {
                o.Invariant = options.Invariant;
                o.ConnectionString = options.ConnectionString;
            })
            .Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
    }

    /// <summary>Makes a silo a worker: it trains placed jobs, announces its devices, and places jobs by free capacity.</summary>
    public static ISiloBuilder AddQuantScopeWorker(this ISiloBuilder silo, ClusterModeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0) throw new OptionsValidationException(ClusterModeOptions.Section, typeof(ClusterModeOptions), errors.Select(e => e.ToString()));
        var services = silo.Services;
        services.AddSingleton(Options.Create(options));
        services.AddSingleton<WorkerRunHost>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<WorkerRunHost>());
        services.AddSingleton<WorkerAnnouncer>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<WorkerAnnouncer>());
        services.TryAddSingleton(TimeProvider.System);
        silo.AddPlacementDirector<FreeCapacityPlacement, FreeCapacityPlacementDirector>();
        return silo;
    }

    /// <summary>Maps <c>GET /api/cluster/workers</c>: the workers heard from, their devices, slots and running jobs.</summary>
    public static WebApplication MapClusterEndpoints(this WebApplication app)
    {
        app.MapGet("/api/cluster/workers", async (IServiceProvider services, IOptions<ClusterModeOptions> options) =>
        {
            if (!options.Value.Enabled || services.GetService<IGrainFactory>() is not { } grains)
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No cluster.", detail: "Cluster:Enabled is false or no Orleans client is configured.");
            return Results.Ok(await grains.GetGrain<IWorkerDirectoryGrain>(0).ListAsync());
        });
        return app;
    }
}
