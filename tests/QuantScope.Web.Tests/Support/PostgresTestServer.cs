using QuantScope.Data;

namespace QuantScope.Web.Tests.Support;

/// <summary>
/// One throwaway PostgreSQL cluster for the test run (started on first use; its watchdog stops and deletes it within a
/// second of the test process ending). Each test makes its own database on it.
/// </summary>
internal static class PostgresTestServer
{
    private static readonly Lazy<Task<LocalPostgresServer>> Server = new(StartAsync);

    public static Task<LocalPostgresServer> GetAsync() => Server.Value;

    private static async Task<LocalPostgresServer> StartAsync()
    {
        try
        {
            return await LocalPostgresServer.StartAsync(durable: false, CancellationToken.None);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"{ex.Message} To skip the PostgreSQL tests instead, set {PostgresFactAttribute.SkipVariable}=1.", ex);
        }
    }
}
