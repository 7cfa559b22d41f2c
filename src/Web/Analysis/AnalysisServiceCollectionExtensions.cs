using Microsoft.Extensions.Options;
using QuantScope.Engine.Analysis.Diagnosis;

namespace QuantScope.Web.Analysis;

/// <summary>Registers the diagnosis and replay services.</summary>
public static class AnalysisServiceCollectionExtensions
{
    /// <summary>Configuration section of the diagnosis thresholds (every field of <see cref="DiagnosisThresholds"/>).</summary>
    public const string DiagnosisSection = "Diagnosis";

    /// <summary>
    /// Adds <see cref="DiagnosisInputLoader"/>, <see cref="RunDiagnoser"/>, <see cref="RunReplayer"/> and <see cref="KeepListAdvisor"/> (stateless
    /// singletons), with the thresholds bound from <see cref="DiagnosisSection"/> and validated when the host starts
    /// (an out-of-range value stops the start with the field named).
    /// </summary>
    public static IServiceCollection AddQuantScopeAnalysis(this IServiceCollection services)
    {
        services.AddOptions<DiagnosisThresholds>()
            .BindConfiguration(DiagnosisSection)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DiagnosisThresholds>, DiagnosisThresholdsValidation>();
        services.AddSingleton<DiagnosisInputLoader>();
        services.AddSingleton<RunDiagnoser>();
        services.AddSingleton<RunReplayer>();
        services.AddSingleton<KeepListAdvisor>();
        return services;
    }
}
