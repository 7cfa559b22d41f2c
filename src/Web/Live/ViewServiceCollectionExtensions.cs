using QuantScope.Web.Runs;

namespace QuantScope.Web.Live;

/// <summary>Registers the services the dashboard's pages bind to, so that the pages only render.</summary>
public static class ViewServiceCollectionExtensions
{
    /// <summary>Adds the per-circuit run view state, the checkpoint lookup and the run-time probe.</summary>
    public static IServiceCollection AddQuantScopeViews(this IServiceCollection services)
    {
        services.AddScoped<RunViewState>(); // one per circuit, disposed with it
        services.AddSingleton<RunCheckpoints>();
        services.AddSingleton<RunTimeProbe>();
        return services;
    }
}
