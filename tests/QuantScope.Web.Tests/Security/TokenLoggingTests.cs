using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using QuantScope.Web.Hubs;
using QuantScope.Web.Ingest;
using static QuantScope.Web.Tests.Security.SecurityTestRequests;

namespace QuantScope.Web.Tests.Security;

/// <summary>The token never reaches a log message, at any level, whichever way it is sent.</summary>
public sealed class TokenLoggingTests
{
    [Fact]
    public async Task Requests_CarryingTheTokenEveryWay_TokenNeverLogged()
    {
        const string token = SecureWebFactory.Token;
        using var factory = new SecureWebFactory(token);
        using var client = factory.CreateRawClient();
        using var bearer = factory.CreateRawClient().WithBearer(token);

        var id = await CreateExternalRunAsync(bearer);
        (await bearer.PostAsJsonAsync($"/api/runs/{id}/metrics", Batch())).EnsureSuccessStatusCode();
        using var link = await client.GetAsync($"/?token={token}");
        var (formToken, antiforgery) = await ReadLoginFormAsync(client);
        using var login = await PostLoginAsync(client, "/login", formToken, antiforgery, token);
        using var negotiate = await client.PostAsync($"/hubs/metrics/negotiate?negotiateVersion=1&access_token={token}", null);
        await using (var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, MetricsHub.Path), o =>
            {
                o.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .AddJsonProtocol(o => JsonDefaults.Apply(o.PayloadSerializerOptions))
            .Build())
        {
            await hub.StartAsync();
            await hub.InvokeAsync<IngestResultDto>(nameof(MetricsHub.IngestMetrics), id, Batch(1));
        }

        Assert.Equal(HttpStatusCode.Redirect, link.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
        var messages = factory.Logs.Messages;
        Assert.True(messages.Count > 20, $"only {messages.Count} messages captured: is the capture working?");
        Assert.DoesNotContain(messages, m => m.Contains(token, StringComparison.Ordinal));
    }
}
