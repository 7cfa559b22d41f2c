using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using QuantScope.Web.Hubs;
using QuantScope.Web.Ingest;
using static QuantScope.Web.Tests.Security.SecurityTestRequests;

namespace QuantScope.Web.Tests.Security;

/// <summary>Ingest requests per client are rate limited (429 with Retry-After, or a HubException); other requests are not.</summary>
public sealed class IngestRateLimiterTests
{
    // Two requests, then one per second: the third in a row is refused.
    private static readonly Dictionary<string, string> Tight = new()
    {
        ["Security:IngestRequestsPerSecond"] = "1",
        ["Security:IngestBurst"] = "2",
    };

    [Fact]
    public async Task PostMetrics_OverTheRate_TooManyRequestsWithRetryAfter()
    {
        using var factory = new SecureWebFactory(null, Tight);
        using var client = factory.CreateRawClient();
        var id = await CreateExternalRunAsync(client);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 3; i++)
        {
            var response = await client.PostAsJsonAsync($"/api/runs/{id}/metrics", Batch(i));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused = response;
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(refused!.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task GetApi_ManyRequests_NotLimited()
    {
        using var factory = new SecureWebFactory(null, Tight);
        using var client = factory.CreateRawClient();
        for (var i = 0; i < 10; i++)
        {
            using var response = await client.GetAsync("/api/runs");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task HubIngest_OverTheRate_HubExceptionAndNothingWritten()
    {
        using var factory = new SecureWebFactory(null, Tight);
        using var client = factory.CreateRawClient();
        var id = await CreateExternalRunAsync(client);
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, MetricsHub.Path), o =>
            {
                o.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
            })
            .AddJsonProtocol(o => JsonDefaults.Apply(o.PayloadSerializerOptions))
            .Build();
        await hub.StartAsync();

        await hub.InvokeAsync<IngestResultDto>(nameof(MetricsHub.IngestMetrics), id, Batch(0));
        await hub.InvokeAsync<IngestResultDto>(nameof(MetricsHub.IngestMetrics), id, Batch(1));
        var ex = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<IngestResultDto>(nameof(MetricsHub.IngestMetrics), id, Batch(2)));

        Assert.Contains("Too many ingest batches", ex.Message);
    }
}
