namespace QuantScope.Data.Tests;

public sealed class QuantScopeDatabaseTests
{
    [Theory]
    [InlineData("Host=db;Database=quantscope;Username=qs", "db")]
    public void ForPostgres_ValidConnectionString_PostgreSQLWithFullDataPath(string connectionString, string host)
    {
        var database = QuantScopeDatabase.ForPostgres(connectionString, "data/quantscope.db");

        Assert.Equal(StoreProvider.PostgreSQL, database.Provider);
        Assert.Equal(Path.GetFullPath("data/quantscope.db"), database.Path);
        Assert.Contains(host, database.ConnectionString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=db;Username=qs", "Database")]
    [InlineData("Database=quantscope", "Host")]
    [InlineData("Host=db;Database=q;Colour=blue", "malformed")]
    [InlineData("this is not a connection string", "malformed")]
    public void ForPostgres_IncompleteOrMalformed_ArgumentExceptionSayingWhat(string connectionString, string said)
    {
        var error = Assert.Throws<ArgumentException>(() => QuantScopeDatabase.ForPostgres(connectionString, "q.db"));

        Assert.Contains(said, error.Message, StringComparison.Ordinal);
        Assert.Equal("connectionString", error.ParamName);
    }

    [Fact]
    public void Constructor_Path_SqliteFileWithForeignKeys()
    {
        var database = new QuantScopeDatabase("some/where.db");

        Assert.Equal(StoreProvider.Sqlite, database.Provider);
        Assert.Contains("Foreign Keys=True", database.ConnectionString, StringComparison.OrdinalIgnoreCase);
    }
}
