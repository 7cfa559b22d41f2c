using System.Net;
using QuantScope.Web.Tests.Support;

namespace QuantScope.Web.Tests.Cli;

/// <summary>Program.cs routes CLI verbs away before building the web app; without a verb the app must still start.</summary>
public sealed class ProgramRoutingTests : IClassFixture<QuantScopeWebFactory>
{
    private readonly QuantScopeWebFactory _factory;

    public ProgramRoutingTests(QuantScopeWebFactory factory) => _factory = factory;

    [Fact]
    public async Task NoVerb_StartsTheWebApp()
    {
        var response = await _factory.CreateClient().GetAsync("/api/runs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
