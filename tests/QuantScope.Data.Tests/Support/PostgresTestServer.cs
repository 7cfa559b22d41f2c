namespace QuantScope.Data.Tests;

/// <summary>
/// One throwaway PostgreSQL cluster for the whole test run (started on first use, ~5 s; stopped and deleted by the
/// server's watchdog within a second of the test process ending). Each test gets its own database on it.
/// </summary>
internal static class PostgresTestServer
{
    private static readonly Lazy<Task<LocalPostgresServer>> Server = new(StartAsync);

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
            throw new InvalidOperationException(
                $"{ex.Message} To skip the PostgreSQL tests instead, set {PostgresDataAttribute.SkipVariable}=1.", ex);
        }
    }
}
