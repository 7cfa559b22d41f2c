using Microsoft.Extensions.Configuration;

namespace QuantScope.Bench.Shared;

/// <summary>Benchmarks print their figures, not the hosts' information logs.</summary>
internal static class BenchLogging
{
    /// <summary>
    /// Warnings and errors only, for every category. The appsettings' <c>Logging:LogLevel</c> rules win over
    /// <c>SetMinimumLevel</c>, so the rules themselves are set.
    /// </summary>
    public static void Quiet(IConfiguration configuration)
    {
        configuration["Logging:LogLevel:Default"] = "Warning";
        configuration["Logging:LogLevel:Microsoft"] = "Warning";
        configuration["Logging:LogLevel:Orleans"] = "Warning";
    }
}
