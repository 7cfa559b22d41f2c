namespace QuantScope.Data.Tests;

/// <summary>Makes the empty database a store theory runs on.</summary>
public static class TestStores
{
    public static ITestStore Create(StoreProvider provider) => provider switch
    {
        StoreProvider.Sqlite => new TempDatabase(),
        StoreProvider.PostgreSQL => new TempPostgresDatabase(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown store."),
    };
}
