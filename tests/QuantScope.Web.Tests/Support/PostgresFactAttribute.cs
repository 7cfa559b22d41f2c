using QuantScope.Tests.Shared;

namespace QuantScope.Web.Tests.Support;

/// <summary>
/// A test that needs a PostgreSQL server (<see cref="PostgresTestServer"/>). Skipped only when
/// <c>QUANTSCOPE_SKIP_POSTGRES_TESTS=1</c>; otherwise a machine without PostgreSQL fails the test saying how to get it.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute() => Skip = PostgresTestServer.SkipReason;
}
