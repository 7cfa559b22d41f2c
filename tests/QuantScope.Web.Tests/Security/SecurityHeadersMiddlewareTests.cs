using QuantScope.Web.Security;

namespace QuantScope.Web.Tests.Security;

/// <summary>Every answer carries the CSP, no-framing, nosniff and no-referrer headers.</summary>
public sealed class SecurityHeadersMiddlewareTests(QuantScopeWebFactory factory) : IClassFixture<QuantScopeWebFactory>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/api/runs")]
    [InlineData("/app.css")]
    [InlineData("/no-such-page")]
    public async Task Get_AnyPath_SecurityHeadersPresent(string path)
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(path);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("connect-src 'self' ws: wss:", csp);
        Assert.Contains("object-src 'none'", csp);
        var scripts = csp.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src ", StringComparison.Ordinal));
        Assert.DoesNotContain("unsafe", scripts);
        var styleElements = csp.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("style-src-elem ", StringComparison.Ordinal));
        Assert.Equal("style-src-elem 'self'", styleElements); // no inline style sheet at all
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task Get_Page_ImportMapCarriesThisResponsesNonce()
    {
        using var client = factory.CreateClient();
        using var first = await client.GetAsync("/");
        using var second = await client.GetAsync("/");

        var nonce = Nonce(first);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains($"nonce=\"{nonce}\"", await first.Content.ReadAsStringAsync());
        Assert.NotEqual(nonce, Nonce(second));
    }

    private static string Nonce(HttpResponseMessage response)
    {
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        var start = csp.IndexOf("'nonce-", StringComparison.Ordinal) + "'nonce-".Length;
        return csp[start..csp.IndexOf('\'', start)];
    }
}
