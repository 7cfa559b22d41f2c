using System.Reflection;
using Xunit.Sdk;

namespace QuantScope.Data.Tests;

/// <summary>
/// The PostgreSQL case of a store theory (next to <c>[InlineData(StoreProvider.Sqlite)]</c>). Skipped only when
/// <c>QUANTSCOPE_SKIP_POSTGRES_TESTS=1</c>; otherwise a machine without PostgreSQL fails the test saying how to get it.
/// </summary>
public sealed class PostgresDataAttribute : DataAttribute
{
    /// <summary>Environment variable that skips the PostgreSQL cases when set to 1 or true. CI never sets it.</summary>
    public const string SkipVariable = "QUANTSCOPE_SKIP_POSTGRES_TESTS";

    public PostgresDataAttribute()
    {
        var value = Environment.GetEnvironmentVariable(SkipVariable);
        if (value is "1" || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase))
            Skip = $"{SkipVariable} is set: PostgreSQL tests are switched off.";
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[StoreProvider.PostgreSQL]];
}
