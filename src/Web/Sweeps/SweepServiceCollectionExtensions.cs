namespace QuantScope.Web.Sweeps;

/// <summary>Registration of the sweep services.</summary>
public static class SweepServiceCollectionExtensions
{
    /// <summary>Adds the sweep runner (a hosted service stopping before the run coordinator), repository and fitter.</summary>
    public static IServiceCollection AddQuantScopeSweeps(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SweepOptions>(configuration.GetSection("Sweeps"));
        services.AddSingleton<SweepRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<SweepRunner>());
        services.AddSingleton<SweepRepository>();
        services.AddSingleton<SweepFitter>();
        services.AddSingleton<SweepService>();
        return services;
    }
}
