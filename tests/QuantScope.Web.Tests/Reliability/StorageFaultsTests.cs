using Npgsql;
using QuantScope.Web.Reliability;

namespace QuantScope.Web.Tests.Reliability;

public sealed class StorageFaultsTests
{
    [Theory]
    [InlineData("53100", true)]  // disk full
    [InlineData("53300", true)]  // too many connections
    [InlineData("40001", true)]  // serialization failure
    [InlineData("40P01", true)]  // deadlock detected
    [InlineData("57P01", true)]  // admin shutdown (server restarting)
    [InlineData("23505", false)] // unique violation: a bug, retrying cannot help
    [InlineData("42P01", false)] // undefined table: schema missing
    public void IsTransient_PostgresError_BySqlState(string sqlState, bool transient)
    {
        var error = new PostgresException("message", "ERROR", "ERROR", sqlState);

        Assert.Equal(transient, StorageFaults.IsTransient(error));
        Assert.Equal(transient, StorageFaults.IsTransient(new InvalidOperationException("wrapped", error)));
    }

    [Fact]
    public void IsTransient_ServerUnreachable_True()
    {
        var error = new NpgsqlException("Failed to connect to 127.0.0.1:1", new System.Net.Sockets.SocketException(111));

        Assert.True(StorageFaults.IsTransient(error));
        Assert.Contains("PostgreSQL server cannot be reached", StorageFaults.Describe(error), StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_PostgresDiskFull_NamesTheFault()
    {
        Assert.Equal("the PostgreSQL server's disk is full (53100)",
            StorageFaults.Describe(new PostgresException("could not extend file", "ERROR", "ERROR", "53100")));
    }
}
