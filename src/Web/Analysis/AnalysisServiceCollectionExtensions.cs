namespace QuantScope.Web.Analysis;

/// <summary>Registers the diagnosis and replay services.</summary>
public static class AnalysisServiceCollectionExtensions
{
    /// <summary>Adds <see cref="DiagnosisInputLoader"/>, <see cref="RunDiagnoser"/> and <see cref="RunReplayer"/> (stateless singletons).</summary>
    public static IServiceCollection AddQuantScopeAnalysis(this IServiceCollection services)
    {
        services.AddSingleton<DiagnosisInputLoader>();
        services.AddSingleton<RunDiagnoser>();
        services.AddSingleton<RunReplayer>();
        return services;
    }
}
