namespace QuantScope.Data;

/// <summary>Which database engine holds the store.</summary>
public enum StoreProvider
{
    /// <summary>An embedded SQLite file (WAL mode): the default, for one machine.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server (Npgsql): a store shared by a team or several QuantScope servers.</summary>
    PostgreSQL,
}
