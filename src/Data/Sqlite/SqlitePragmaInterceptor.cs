using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace QuantScope.Data.Sqlite;

/// <summary>Applies the per-connection PRAGMAs to every connection EF Core opens.</summary>
internal sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
        SqlitePragmas.ApplyPerConnection(connection);

    public override Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default) =>
        SqlitePragmas.ApplyPerConnectionAsync(connection, cancellationToken);
}
