using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;

namespace QuantScope.Web.Tests.Security;

/// <summary>Loopback with no token: cross-site writes, rebinding host names and non-JSON bodies are refused.</summary>
public sealed class CrossSiteGuardMiddlewareTests : IClassFixture<QuantScopeWebFactory>
{
    private const string External = """{"kind": "external", "name": "guard"}""";
    private readonly QuantScopeWebFactory _factory;

    public CrossSiteGuardMiddlewareTests(QuantScopeWebFactory factory) => _factory = factory;

    private static HttpRequestMessage Post(string path, string body, string contentType, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    public async Task Post_FromAForeignOrigin_403NothingCreated(string contentType)
    {
        using var client = _factory.CreateClient();
        var before = (await client.GetFromJsonAsync<JsonElement>("/api/runs")).GetArrayLength();

        using var response = await client.SendAsync(Post("/api/runs", External, contentType, ("Origin", "http://evil.example")));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, (await client.GetFromJsonAsync<JsonElement>("/api/runs")).GetArrayLength());
    }

    [Theory]
    [InlineData("cross-site")]
    [InlineData("same-site")]
    public async Task Post_SecFetchSiteNotSameOrigin_403EvenForUploads(string site)
    {
        using var client = _factory.CreateClient();
        using var content = new MultipartFormDataContent { { new StringContent("step,loss\n1,2\n"), "file", "m.csv" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/import?format=csv") { Content = content };
        request.Headers.Add("Sec-Fetch-Site", site);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Post_SameOriginOrNoOrigin_Accepted()
    {
        using var client = _factory.CreateClient();

        using var page = await client.SendAsync(Post("/api/runs", External, "application/json",
            ("Origin", "http://localhost"), ("Sec-Fetch-Site", "same-origin")));
        using var script = await client.SendAsync(Post("/api/runs", External, "application/json; charset=utf-8"));

        Assert.Equal(HttpStatusCode.Created, page.StatusCode);
        Assert.Equal(HttpStatusCode.Created, script.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Post_JsonEndpointWithAnotherContentType_415(string contentType)
    {
        using var client = _factory.CreateClient();

        using var response = await client.SendAsync(Post("/api/runs", External, contentType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/json", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_ForeignHostName_400ButLoopbackNamesServed()
    {
        using var client = _factory.CreateClient();
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/runs");
        rebound.Headers.Host = "evil.example";
        using var numeric = new HttpRequestMessage(HttpMethod.Get, "/api/runs");
        numeric.Headers.Host = "127.0.0.1:5080";

        using var refused = await client.SendAsync(rebound);
        using var served = await client.SendAsync(numeric);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.DoesNotContain("evil.example", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task Get_HostListedInAllowedHosts_Served()
    {
        using var factory = new SecureWebFactory(null, new Dictionary<string, string> { ["AllowedHosts"] = "dash.example" });
        using var client = factory.CreateRawClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/runs");
        request.Headers.Host = "dash.example";

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Post_ForeignOriginWithTheToken_NotRefusedByTheGuard()
    {
        using var factory = new SecureWebFactory(SecureWebFactory.Token);
        using var client = factory.CreateRawClient();
        var request = Post("/api/runs", External, "application/json", ("Origin", "https://proxy.example"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SecureWebFactory.Token);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
