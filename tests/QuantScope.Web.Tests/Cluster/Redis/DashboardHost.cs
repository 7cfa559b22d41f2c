using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using QuantScope.Web.Cluster.Redis;
using QuantScope.Web.Hubs;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Tests.Cluster.Redis;

/// <summary>
/// One dashboard host of a cluster: the real app on Kestrel at 127.0.0.1 (free port) on a shared database file and a
/// shared Redis. The database file belongs to the test (several hosts use it), so it is not deleted here.
/// </summary>
public sealed class DashboardHost : WebApplicationFactory<Program>
{
    private readonly string _databasePath;
    private readonly string _redis;
    private readonly string _channelPrefix;
    private readonly double _runLeaseSeconds;

    /// <summary>Starts the host.</summary>
    public DashboardHost(string databasePath, string redis, string channelPrefix, double runLeaseSeconds)
    {
        _databasePath = databasePath;
        _redis = redis;
        _channelPrefix = channelPrefix;
        _runLeaseSeconds = runLeaseSeconds;
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
    }

    /// <summary>Where the host answers, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl { get; }

    /// <summary>A client of the host's HTTP API.</summary>
    public HttpClient Http { get; }

    /// <summary>The host's end of the live bridge.</summary>
    public RedisLiveBridge Bridge => Services.GetRequiredService<RedisLiveBridge>();

    /// <summary>A (not yet started) hub connection to this host, over WebSockets like a browser.</summary>
    public HubConnection CreateHubConnection() => new HubConnectionBuilder()
        .WithUrl(BaseUrl + MetricsHub.Path)
        .AddJsonProtocol(o => JsonDefaults.Apply(o.PayloadSerializerOptions))
        .Build();

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:DatabasePath", _databasePath);
        builder.UseSetting("SignalR:Redis", _redis);
        builder.UseSetting("SignalR:ChannelPrefix", _channelPrefix);
        builder.UseSetting("SignalR:RunLeaseSeconds", _runLeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseEnvironment("Development");
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) Http.Dispose();
        base.Dispose(disposing);
    }
}
