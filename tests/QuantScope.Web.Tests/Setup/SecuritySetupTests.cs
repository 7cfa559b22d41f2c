using Microsoft.AspNetCore.TestHost;
using QuantScope.Web.Runs;
using QuantScope.Web.Tests.Security;

namespace QuantScope.Web.Tests.Setup;

/// <summary>No developer exception page (it echoes request headers) once a token is in force.</summary>
public sealed class SecuritySetupTests
{
    // A part the cancel endpoint asks that fails as a bug would (the real one on a single host answers false).
    private sealed class BrokenRemoteRuns : IRemoteRuns
    {
        public bool OtherHostsShareTheStore => throw new InvalidOperationException("a bug deep in a handler");

        public Task<bool> CancelAsync(Guid runId, CancellationToken ct) => throw new InvalidOperationException("a bug deep in a handler");
    }

    [Fact]
    public async Task UnhandledException_TokenConfiguredInDevelopment_ProblemWithoutHeadersOrDetails()
    {
        using var secure = new SecureWebFactory(SecureWebFactory.Token);
        using var factory = secure.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IRemoteRuns, BrokenRemoteRuns>()));
        using var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/runs/{Guid.NewGuid()}/cancel");
        request.Headers.Authorization = new("Bearer", SecureWebFactory.Token);
        request.Headers.Add("Cookie", "qs-probe=cookie-value-7d1e");
        request.Headers.Accept.ParseAdd("application/json");

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.DoesNotContain(SecureWebFactory.Token, body);
        Assert.DoesNotContain("cookie-value-7d1e", body);
        Assert.DoesNotContain("a bug deep in a handler", body);
        Assert.DoesNotContain("Authorization", body, StringComparison.OrdinalIgnoreCase);
    }
}
