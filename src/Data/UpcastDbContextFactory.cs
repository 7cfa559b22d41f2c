using Microsoft.EntityFrameworkCore;

namespace QuantScope.Data;

/// <summary>Serves a factory of a context subclass as a factory of its base type (callers ask for the base).</summary>
internal sealed class UpcastDbContextFactory<TDerived, TBase>(IDbContextFactory<TDerived> inner) : IDbContextFactory<TBase>
    where TDerived : TBase
    where TBase : DbContext
{
    public TBase CreateDbContext() => inner.CreateDbContext();

    public async Task<TBase> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}
