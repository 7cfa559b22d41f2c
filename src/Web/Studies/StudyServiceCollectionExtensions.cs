namespace QuantScope.Web.Studies;

/// <summary>Registration of the study services.</summary>
public static class StudyServiceCollectionExtensions
{
    /// <summary>Adds the demo options (section <c>Demo</c>), the study service, repository, judge and the study page's view state.</summary>
    public static IServiceCollection AddQuantScopeStudies(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DemoOptions>(configuration.GetSection(DemoOptions.Section));
        services.AddSingleton<StudyJudge>(); // keeps each study's targets until one of its runs ends
        services.AddSingleton<StudyRepository>();
        services.AddSingleton<StudyService>();
        services.AddScoped<StudyViewState>(); // per circuit, like RunViewState
        return services;
    }
}
