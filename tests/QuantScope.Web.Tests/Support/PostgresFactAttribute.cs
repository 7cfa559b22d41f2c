namespace QuantScope.Web.Tests.Support;

/// <summary>
/// A test that needs a PostgreSQL server (<see cref="PostgresTestServer"/>). Skipped only when
/// <c>QUANTSCOPE_SKIP_POSTGRES_TESTS=1</c>; otherwise a machine without PostgreSQL fails the test saying how to get it.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    /// <summary>Environment variable that skips the PostgreSQL tests when set to 1 or true. CI never sets it.</summary>
    public const string SkipVariable = "QUANTSCOPE_SKIP_POSTGRES_TESTS";

    public PostgresFactAttribute()
    {
        var value = Environment.GetEnvironmentVariable(SkipVariable);
        if (value is "1" || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase))
            Skip = $"{SkipVariable} is set: PostgreSQL tests are switched off.";
    }
}
