using Microsoft.Extensions.Options;
using QuantScope.Data;
using QuantScope.Web.Analysis;
using QuantScope.Web.Cluster;
using QuantScope.Web.Api;
using QuantScope.Web.Cluster.Redis;
using QuantScope.Web.Components;
using QuantScope.Web.Hubs;
using QuantScope.Web.Ingest;
using QuantScope.Web.Live;
using QuantScope.Web.Ptq;
using QuantScope.Web.Runs;
using QuantScope.Web.Studies;
using QuantScope.Web.Sweeps;

namespace QuantScope.Web.Setup;

/// <summary>Set-up of the QuantScope web host: services, endpoints and database start-up.</summary>
public static class QuantScopeSetup
{
    /// <summary>Largest SignalR message the metrics hub accepts, bytes (the 32 KB default silently drops big batches).</summary>
    public const long MaxHubMessageBytes = 8 * 1024 * 1024;

    /// <summary>Registers every QuantScope service.</summary>
    public static WebApplicationBuilder AddQuantScope(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.AddQuantScopeSecurity(); // access token, limits, headers (Security section)
        services.Configure<StorageOptions>(builder.Configuration.GetSection("Storage"));
        var storage = builder.Configuration.GetSection("Storage").Get<StorageOptions>() ?? new StorageOptions();
        var database = storage.ToDatabase(builder.Environment.ContentRootPath);
        services.AddQuantScopeData(database); // Sqlite or PostgreSQL
        services.AddSingleton(Security.ConfigPathPolicy.From(builder.Configuration, database.Path)); // files a web config may name

        services.AddSingleton<LiveRunStore>();
        services.AddSingleton<MetricIngress>();
        services.AddSingleton(new Reliability.PersistHealth(TimeSpan.FromSeconds(builder.Configuration.GetValue("Storage:IngestAckTimeoutSeconds", 10.0))));
        // Hosted services stop in reverse order: the coordinator (runs) stops before the persistence drain.
        services.AddHostedService<MetricPersistenceService>();
        services.AddSingleton(Options.Create(TrainingOptions.From(builder.Configuration))); // training threads' priority
        services.AddSingleton<RunCoordinator>();
        services.AddSingleton<RunComparer>();
        services.AddSingleton<RunControl>(); // cancel and is-training, wherever a run trains
        services.AddQuantScopeViews(); // the pages' services: per-circuit view state, checkpoints, time probe
        services.AddSingleton<IRemoteRuns, NoRemoteRuns>(); // a single host; SignalR:Redis registers the Redis one after this
        services.AddQuantScopeAnalysis();
        services.AddQuantScopePtq();
        services.AddHostedService(sp => sp.GetRequiredService<RunCoordinator>());
        services.AddQuantScopeSweeps(builder.Configuration); // after the coordinator: the sweep runner stops first
        services.AddQuantScopeStudies(builder.Configuration); // Demo section: the demo study's runs go through the coordinator
        services.AddHostedService<HubBroadcaster>();
        services.AddSingleton<ExternalRunIngestor>();
        builder.AddQuantScopeCluster(); // Cluster section: sweeps on Orleans workers

        services.ConfigureHttpJsonOptions(o => JsonDefaults.Apply(o.SerializerOptions));
        services.AddProblemDetails();
        services.AddSignalR()
            .AddJsonProtocol(o => JsonDefaults.Apply(o.PayloadSerializerOptions))
            .AddHubOptions<MetricsHub>(o => o.MaximumReceiveMessageSize = MaxHubMessageBytes)
            .AddQuantScopeRedis(builder.Configuration); // SignalR:Redis set: backplane + live bridge between hosts
        services.AddRazorComponents().AddInteractiveServerComponents();
        return builder;
    }

    /// <summary>
    /// Creates or upgrades the database and marks runs a previous process left running as interrupted (with several
    /// hosts, <c>SignalR:Redis</c>, the run leases decide that instead: the other hosts' runs are alive).
    /// </summary>
    public static Task InitializeQuantScopeAsync(this IServiceProvider services, CancellationToken ct) =>
        services.InitializeDatabaseAsync(ct, markInterrupted: services.GetService<RunLeaseKeeper>() is null); // several hosts: leases judge

    /// <summary>Maps the UI, the API and the hub.</summary>
    public static WebApplication MapQuantScope(this WebApplication app)
    {
        app.UseQuantScopeSecurity(); // first: headers on every answer, the token before anything else, then the exception handler
        app.UseStatusCodePages();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRunEndpoints();
        app.MapIngestEndpoints();
        app.MapFormatEndpoints();
        app.MapImportEndpoints();
        app.MapExportEndpoints();
        app.MapCompareEndpoints();
        app.MapDiagnosisEndpoints();
        app.MapReplayEndpoints();
        app.MapLawEndpoints();
        app.MapPtqEndpoints();
        app.MapModelEndpoints();
        app.MapSweepEndpoints();
        app.MapStudyEndpoints();
        app.MapClusterEndpoints();
        app.MapResumeEndpoints();
        app.MapHub<MetricsHub>(MetricsHub.Path);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

}
