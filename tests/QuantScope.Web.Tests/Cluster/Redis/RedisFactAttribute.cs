namespace QuantScope.Web.Tests.Cluster.Redis;

/// <summary>
/// A test that needs <c>redis-server</c>. Skipped only when <see cref="RedisServer.SkipVariable"/> is set and no Redis
/// binary is found; otherwise a missing Redis that cannot be installed fails the test (see <see cref="RedisServer"/>).
/// </summary>
public sealed class RedisFactAttribute : FactAttribute
{
    /// <summary>Marks the test skipped when Redis is missing and its tests are switched off.</summary>
    public RedisFactAttribute()
    {
        if (RedisServer.SkipRequested && RedisServer.Locate() is null)
        {
            Skip = $"{RedisServer.SkipVariable} is set and redis-server is not installed.";
        }
    }
}
