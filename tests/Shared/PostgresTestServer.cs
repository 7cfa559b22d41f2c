using QuantScope.Data;

namespace QuantScope.Tests.Shared;

/// <summary>
/// One throwaway PostgreSQL cluster per test run (started on first use, ~5 s; its watchdog stops and deletes it within
/// a second of the test process ending). Each test makes its own database on it. Linked into the Data and Web test
/// projects (this file lives once, in tests/Shared).
/// </summary>
internal static class PostgresTestServer
{
    /// <summary>Environment variable that skips the PostgreSQL tests when set to 1 or true. CI never sets it.</summary>
    public const string SkipVariable = "QUANTSCOPE_SKIP_POSTGRES_TESTS";

    private static readonly Lazy<Task<LocalPostgresServer>> Server = new(StartAsync);

    /// <summary>The skip reason when <see cref="SkipVariable"/> is set, else null (the tests run, and fail without PostgreSQL).</summary>
    public static string? SkipReason
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(SkipVariable);
            return value is "1" || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase)
                ? $"{SkipVariable} is set: PostgreSQL tests are switched off."
                : null;
        }
    }

    public static Task<LocalPostgresServer> GetAsync() => Server.Value;

    private static async Task<LocalPostgresServer> StartAsync()
    {
        try
        {
            // Not durable: fsync off makes a database per test cheap, and nothing here must survive a power cut.
            return await LocalPostgresServer.StartAsync(durable: false, CancellationToken.None);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            throw new InvalidOperationException($"{ex.Message} To skip the PostgreSQL tests instead, set {SkipVariable}=1.", ex);
        }
    }
}
