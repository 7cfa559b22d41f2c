using QuantScope.Data;

namespace QuantScope.Web.Setup;

/// <summary>Where QuantScope keeps its data (section "Storage" of appsettings).</summary>
public sealed class StorageOptions
{
    /// <summary>SQLite file; a relative path is taken from the content root (src/Web when started with dotnet run).
    /// Under PostgreSQL its folder still holds checkpoints and uploads.</summary>
    public string DatabasePath { get; set; } = "data/quantscope.db";

    /// <summary><c>Sqlite</c> (default, one machine) or <c>PostgreSQL</c> (a shared server, <see cref="ConnectionString"/>).</summary>
    public StoreProvider Provider { get; set; } = StoreProvider.Sqlite;

    /// <summary>Npgsql connection string, required when <see cref="Provider"/> is PostgreSQL; unused for SQLite.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The database these options describe; throws naming the setting when one is missing or malformed.</summary>
    public QuantScopeDatabase ToDatabase(string contentRoot)
    {
        var path = Path.GetFullPath(DatabasePath, contentRoot);
        if (Provider != StoreProvider.PostgreSQL)
            return new QuantScopeDatabase(path);
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new InvalidOperationException(
                "Storage:ConnectionString is required when Storage:Provider is PostgreSQL " +
                "(e.g. \"Host=db.example;Database=quantscope;Username=quantscope;Password=...\").");
        }
        try
        {
            return QuantScopeDatabase.ForPostgres(ConnectionString, path);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"Storage:ConnectionString is not usable: {ex.Message}", ex);
        }
    }
}
