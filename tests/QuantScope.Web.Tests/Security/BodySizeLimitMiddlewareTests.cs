using System.Net;
using System.Text;

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
}
