using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using QuantScope.Web.Hubs;
using QuantScope.Web.Ingest;
using QuantScope.Web.Security;
using static QuantScope.Web.Tests.Security.SecurityTestRequests;

namespace QuantScope.Web.Tests.Security;

/// <summary>With a token configured: the API, ingest, hub and UI refuse requests without it and serve those with it.</summary>
public sealed class AccessTokenMiddlewareTests(TokenProtectedApp app) : IClassFixture<TokenProtectedApp>
{
    private const string Token = SecureWebFactory.Token;
    private readonly SecureWebFactory _factory = app.Factory;

    [Fact]
    public async Task Api_WithoutToken_Unauthorized()
    {
        using var client = _factory.CreateRawClient();
        using var response = await client.GetAsync("/api/runs");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData(Token + "x")]
    [InlineData("")]
    public async Task Api_WrongToken_Unauthorized(string token)
    {
        using var client = _factory.CreateRawClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + token);
        using var response = await client.GetAsync("/api/runs");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Api_WithBearerToken_Succeeds()
    {
        using var client = _factory.CreateRawClient().WithBearer(Token);
        using var response = await client.GetAsync("/api/runs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ingest_WithoutToken_UnauthorizedAndWithTokenStored()
    {
        using var authorized = _factory.CreateRawClient().WithBearer(Token);
        var id = await CreateExternalRunAsync(authorized);
        using var anonymous = _factory.CreateRawClient();

        using var create = await anonymous.PostAsJsonAsync("/api/runs", new { kind = "external", name = "x" });
        using var refused = await anonymous.PostAsJsonAsync($"/api/runs/{id}/metrics", Batch());
        using var accepted = await authorized.PostAsJsonAsync($"/api/runs/{id}/metrics", Batch());

        Assert.Equal(HttpStatusCode.Unauthorized, create.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Hub_WithoutToken_ConnectionRefused()
    {
        await using var hub = Connect(token: null);
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
    }

    [Fact]
    public async Task Hub_WithAccessTokenProvider_ConnectsAndIngests()
    {
        using var client = _factory.CreateRawClient().WithBearer(Token);
        var id = await CreateExternalRunAsync(client);
        await using var hub = Connect(Token);
        await hub.StartAsync();

        await hub.InvokeAsync(nameof(MetricsHub.JoinRun), id);
        var result = await hub.InvokeAsync<IngestResultDto>(nameof(MetricsHub.IngestMetrics), id, Batch());

        Assert.Equal(1, result.Points);
    }

    [Fact]
    public async Task UiPage_WithoutToken_RedirectsToLogin()
    {
        using var client = _factory.CreateRawClient();
        using var response = await client.GetAsync("/compare?a=1");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?returnUrl=%2Fcompare%3Fa%3D1", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task StaticAsset_WithoutToken_Served()
    {
        using var client = _factory.CreateRawClient();
        using var response = await client.GetAsync("/app.css");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Login_RightToken_SetsHttpOnlyStrictCookieThatOpensTheUi()
    {
        using var client = _factory.CreateRawClient();
        var (formToken, antiforgery) = await ReadLoginFormAsync(client, "/login?returnUrl=%2Fcompare");

        using var signedIn = await PostLoginAsync(client, "/login?returnUrl=%2Fcompare", formToken, antiforgery, Token);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("http://localhost/compare", Absolute(signedIn.Headers.Location!));
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(AccessCookie.Name, StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Token, cookie);
        using var page = new HttpRequestMessage(HttpMethod.Get, "/compare");
        page.Headers.Add("Cookie", cookie.Split(';')[0]);
        using var opened = await client.SendAsync(page);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
    }

    [Fact]
    public async Task Login_WrongToken_NoCookieAndSaysSo()
    {
        using var client = _factory.CreateRawClient();
        var (formToken, antiforgery) = await ReadLoginFormAsync(client);

        using var response = await PostLoginAsync(client, "/login", formToken, antiforgery, "not-the-token");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("login-failed", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var c) ? c : [], v => v.StartsWith(AccessCookie.Name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Login_WithoutAntiforgeryToken_BadRequest()
    {
        using var client = _factory.CreateRawClient();
        using var response = await client.PostAsync("/login", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["_handler"] = "login", ["Token"] = Token }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(v => v.StartsWith(AccessCookie.Name, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Login_OffSiteReturnUrl_RedirectsToRoot()
    {
        using var client = _factory.CreateRawClient();
        var url = "/login?returnUrl=" + Uri.EscapeDataString("//evil.example/x");
        var (formToken, antiforgery) = await ReadLoginFormAsync(client, url);
        using var response = await PostLoginAsync(client, url, formToken, antiforgery, Token);
        Assert.Equal("http://localhost/", Absolute(response.Headers.Location!));
    }

    [Fact]
    public async Task TokenLink_Right_SetsCookieAndRedirectsWithoutTheToken()
    {
        using var client = _factory.CreateRawClient();
        using var response = await client.GetAsync($"/compare?token={Token}&a=1");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/compare?a=1", response.Headers.Location!.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(AccessCookie.Name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TokenLink_Wrong_RedirectsToLoginWithoutCookie()
    {
        using var client = _factory.CreateRawClient();
        using var response = await client.GetAsync("/?token=nope");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login?failed=1", response.Headers.Location!.OriginalString);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    private static string Absolute(Uri location) => new Uri(new Uri("http://localhost"), location).ToString();

    private HubConnection Connect(string? token) => new HubConnectionBuilder()
        .WithUrl(new Uri(_factory.Server.BaseAddress, MetricsHub.Path), o =>
        {
            o.HttpMessageHandlerFactory = _ => _factory.Server.CreateHandler();
            o.Transports = HttpTransportType.LongPolling;
            if (token is not null) o.AccessTokenProvider = () => Task.FromResult<string?>(token);
        })
        .AddJsonProtocol(o => JsonDefaults.Apply(o.PayloadSerializerOptions))
        .Build();
}
