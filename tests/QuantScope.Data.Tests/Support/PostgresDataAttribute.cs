using System.Reflection;
using QuantScope.Tests.Shared;
using Xunit.Sdk;

namespace QuantScope.Data.Tests;

/// <summary>
/// The PostgreSQL case of a store theory (next to <c>[InlineData(StoreProvider.Sqlite)]</c>). Skipped only when
/// <c>QUANTSCOPE_SKIP_POSTGRES_TESTS=1</c>; otherwise a machine without PostgreSQL fails the test saying how to get it.
/// </summary>
public sealed class PostgresDataAttribute : DataAttribute
{
    public PostgresDataAttribute() => Skip = PostgresTestServer.SkipReason;

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[StoreProvider.PostgreSQL]];
}
