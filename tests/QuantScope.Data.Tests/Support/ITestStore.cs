namespace QuantScope.Data.Tests;

/// <summary>
/// An empty database of one engine for one test: <see cref="OpenAsync"/> builds a fresh service provider on it (so a
/// test can "restart the server"); disposing closes everything and removes the database.
/// </summary>
public interface ITestStore : IAsyncDisposable
{
    /// <summary>Which engine.</summary>
    StoreProvider Provider { get; }

    /// <summary>A new provider on the same database, initialized (migrations, interrupted runs) unless told not to.</summary>
    Task<ServiceProvider> OpenAsync(bool initialize = true);

    /// <summary>Closes a provider as a stopping server would: nothing of it stays connected.</summary>
    Task CloseAsync(ServiceProvider provider);
}
