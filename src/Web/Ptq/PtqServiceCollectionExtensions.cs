namespace QuantScope.Web.Ptq;

/// <summary>Registers post-training quantization of checkpoints.</summary>
public static class PtqServiceCollectionExtensions
{
    /// <summary>Adds <see cref="PtqService"/> and <see cref="PtqJobRunner"/> (singletons).</summary>
    public static IServiceCollection AddQuantScopePtq(this IServiceCollection services)
    {
        services.AddSingleton<PtqService>();
        services.AddSingleton<PtqJobRunner>();
        return services;
    }
}
