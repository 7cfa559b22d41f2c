using System.Text;
using QuantScope.Web.Security;

namespace QuantScope.Web.Tests.Security;

/// <summary>Body limits per endpoint class: the JSON API and uploads answer 413 past theirs.</summary>
public sealed class BodySizeLimitMiddlewareTests
{
    private static readonly Dictionary<string, string> SmallLimits = new()
    {
        ["Security:MaxRequestBodyBytes"] = "2000",
        ["Security:MaxUploadBytes"] = "4000",
    };

    [Fact]
    public async Task PostJson_OverTheApiLimit_PayloadTooLarge()
    {
        using var factory = new SecureWebFactory(null, SmallLimits);
        using var client = factory.CreateRawClient();
        using var body = new StringContent("{\"name\": \"" + new string('x', 3000) + "\"}", Encoding.UTF8, "application/json");

        using var response = await client.PostAsync("/api/runs", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task PostJson_UnderTheApiLimit_NotRefusedForSize()
    {
        using var factory = new SecureWebFactory(null, SmallLimits);
        using var client = factory.CreateRawClient();
        using var body = new StringContent("{\"kind\": \"external\", \"name\": \"small\"}", Encoding.UTF8, "application/json");

        using var response = await client.PostAsync("/api/runs", body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public void LimitOf_EndpointClasses_TheirOwnLimits()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new SecurityOptions());
        var limits = new BodySizeLimitMiddleware(_ => Task.CompletedTask, options);
        Assert.Equal(1024 * 1024, limits.LimitOf("/api/runs"));
        Assert.Equal(1024 * 1024, limits.LimitOf("/login"));
        Assert.Equal(32L * 1024 * 1024, limits.LimitOf("/api/formats/e4m3/quantize"));
        Assert.Equal(256L * 1024 * 1024, limits.LimitOf("/api/import"));
        Assert.Equal(QuantScope.Web.Setup.QuantScopeSetup.MaxHubMessageBytes, limits.LimitOf("/hubs/metrics"));
    }

    [Fact]
    public async Task PostImport_OverTheUploadLimit_PayloadTooLarge()
    {
        using var factory = new SecureWebFactory(null, SmallLimits);
        using var client = factory.CreateRawClient();
        var log = string.Concat(Enumerable.Range(0, 400).Select(i => $"step={i} loss=2.5\n"));

        using var response = await client.PostAsync("/api/import?format=kv", new StringContent(log, Encoding.UTF8, "text/plain"));

        Assert.True(Encoding.UTF8.GetByteCount(log) is > 4000 and < 10000);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task PostImport_OverTheApiLimitUnderTheUploadLimit_Imported()
    {
        using var factory = new SecureWebFactory(null, SmallLimits);
        using var client = factory.CreateRawClient();
        var log = string.Concat(Enumerable.Range(0, 200).Select(i => $"step={i} loss=2.5\n"));

        using var response = await client.PostAsync("/api/import?format=kv", new StringContent(log, Encoding.UTF8, "text/plain"));

        Assert.True(Encoding.UTF8.GetByteCount(log) is > 2000 and < 4000);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/runs", 64 * 1024)]
    [InlineData("/api/sweeps", 256 * 1024)]
    public async Task Post_ConfigBodyOverItsLimit_Chunked413LikeDeclared(string path, int limit)
    {
        using var factory = new SecureWebFactory(null);
        using var client = factory.CreateRawClient();
        var json = "{\"name\": \"" + new string('x', limit + 10) + "\"}";
        using var declared = new StringContent(json, Encoding.UTF8, "application/json");
        using var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        chunked.Headers.ContentType = new("application/json");

        using var a = await client.PostAsync(path, declared);
        using var b = await client.PostAsync(path, chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, a.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, b.StatusCode);
        Assert.Contains($"At most {limit} bytes", await a.Content.ReadAsStringAsync());
        Assert.Contains($"At most {limit} bytes", await b.Content.ReadAsStringAsync());
    }
}
