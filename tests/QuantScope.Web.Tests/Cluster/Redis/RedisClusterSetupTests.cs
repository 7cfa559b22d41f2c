using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using QuantScope.Web.Cluster.Redis;

namespace QuantScope.Web.Tests.Cluster.Redis;

public sealed class RedisClusterSetupTests
{
    private static IServiceCollection Register(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSignalR().AddQuantScopeRedis(configuration);
        return services;
    }

    private static Type? LifetimeManager(IServiceCollection services) =>
        services.LastOrDefault(d => d.ServiceType == typeof(HubLifetimeManager<>))?.ImplementationType;

    [Fact]
    public void AddQuantScopeRedis_NotConfigured_LeavesSignalROnOneHost()
    {
        var services = Register();

        Assert.Equal("DefaultHubLifetimeManager`1", LifetimeManager(services)?.Name);
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(RedisLiveBridge) || d.ServiceType == typeof(RunLeaseKeeper));
    }

    [Fact]
    public void AddQuantScopeRedis_ConnectionStringSet_AddsTheBackplaneTheBridgeAndRunControl()
    {
        var services = Register(("SignalR:Redis", "127.0.0.1:6379"), ("SignalR:ChannelPrefix", "lab-a"));

        Assert.Equal("RedisHubLifetimeManager`1", LifetimeManager(services)?.Name);
        Assert.Contains(services, d => d.ServiceType == typeof(RedisLiveBridge));
        Assert.Contains(services, d => d.ServiceType == typeof(RunLeaseKeeper));
        Assert.Contains(services, d => d.ServiceType == typeof(RedisRunControl));
        Assert.Equal(3, services.Count(d => d.ServiceType == typeof(IHostedService)));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<RedisBackplaneOptions>>().Value;
        Assert.Equal("lab-a:live", options.LiveChannel);
    }

    [Theory]
    [InlineData("127.0.0.1:6379,nonsense=1", "SignalR:Redis")]
    [InlineData(",,,", "SignalR:Redis")]
    public void AddQuantScopeRedis_BadConnectionString_ThrowsNamingTheKey(string connection, string key)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Register(("SignalR:Redis", connection)));
        Assert.StartsWith(key, ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    public void AddQuantScopeRedis_BadChannelPrefix_ThrowsNamingTheKey(string prefix)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Register(("SignalR:Redis", "127.0.0.1:6379"), ("SignalR:ChannelPrefix", prefix)));
        Assert.StartsWith("SignalR:ChannelPrefix", ex.Message);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("NaN")]
    [InlineData("100000")]
    public void AddQuantScopeRedis_BadRunLease_ThrowsNamingTheKey(string seconds)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Register(("SignalR:Redis", "127.0.0.1:6379"), ("SignalR:RunLeaseSeconds", seconds)));
        Assert.StartsWith("SignalR:RunLeaseSeconds", ex.Message);
    }

    [Fact]
    public void Parse_ValidConnectionString_KeepsRetryingInsteadOfFailingTheHost()
    {
        var redis = RedisClusterSetup.Parse(new RedisBackplaneOptions { Redis = "127.0.0.1:6390,password=secret" });

        Assert.False(redis.AbortOnConnectFail);
        Assert.Equal("secret", redis.Password);
        Assert.Single(redis.EndPoints);
    }
}
