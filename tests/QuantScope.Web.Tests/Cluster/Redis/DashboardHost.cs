using System.Globalization;
using Microsoft.AspNetCore.SignalR.Client;
using QuantScope.Tests.Shared;
using QuantScope.Web.Cluster.Redis;
using QuantScope.Web.Hubs;

namespace QuantScope.Web.Tests.Cluster.Redis;

/// <summary>
/// One dashboard host of a cluster: a <see cref="KestrelTestHost"/> on a shared database file and a shared Redis. The
/// database file belongs to the test (several hosts use it), so it is not deleted here.
/// </summary>
public sealed class DashboardHost : IAsyncDisposable, IDisposable
{
    private readonly KestrelTestHost _host;

    /// <summary>Starts the host.</summary>
    public DashboardHost(string databasePath, string redis, string channelPrefix, double runLeaseSeconds)
    {
        _host = new KestrelTestHost(databasePath, new Dictionary<string, string>
        {
            ["SignalR:Redis"] = redis,
            ["SignalR:ChannelPrefix"] = channelPrefix,
            ["SignalR:RunLeaseSeconds"] = runLeaseSeconds.ToString(CultureInfo.InvariantCulture),
        });
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
    }

    /// <summary>Where the host answers, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl => _host.BaseUrl;

    /// <summary>A client of the host's HTTP API.</summary>
    public HttpClient Http { get; }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>The host's end of the live bridge.</summary>
    public RedisLiveBridge Bridge => Services.GetRequiredService<RedisLiveBridge>();

    /// <summary>A (not yet started) hub connection to this host, over WebSockets like a browser.</summary>
    public HubConnection CreateHubConnection() => new HubConnectionBuilder()
        .WithUrl(BaseUrl + MetricsHub.Path)
        .AddJsonProtocol(o => JsonDefaults.Apply(o.PayloadSerializerOptions))
        .Build();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _host.DisposeAsync();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Http.Dispose();
        _host.Dispose();
    }
}
