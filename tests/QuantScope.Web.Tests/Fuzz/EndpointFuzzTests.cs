using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Xunit.Abstractions;

namespace QuantScope.Web.Tests.Fuzz;

/// <summary>
/// Every operation of the REST API, read from the app's own endpoint description (each route pattern and its HTTP
/// methods: what an OpenAPI document would list), sent malformed and extreme inputs: wrong and absent bodies, bodies
/// of extreme numbers, hostile route values and query strings. None may answer 5xx (the parser fuzz tests cover the
/// parsers; this covers the endpoints around them).
/// </summary>
public sealed class EndpointFuzzTests(QuantScopeWebFactory factory, ITestOutputHelper output) : IClassFixture<QuantScopeWebFactory>
{
    private static readonly string[] Bodies =
    [
        "{",
        "[]",
        "null",
        "\"text\"",
        "{\"unknownField\": 1}",
        """{"values": [1e308, -1e308, "Infinity", null, 5e-324], "scale": 1e-308, "groupSize": 2147483647}""",
        """{"points": [{"N": 1e308, "D": 1e-308, "G": 1e308, "P": -1, "delta": 5e-324}], "N": -1e308, "D": 0, "G": "x"}""",
        """{"steps": [2147483648, -1], "names": [""], "values": [1e39], "layers": [1], "roles": ["nope"]}""",
        """{"name": "", "tags": [""], "notes": null, "status": "sideways", "error": 7, "path": "/etc/passwd"}""",
        """{"historyLengths": [0, -1, 2147483647], "algorithms": ["?"], "margin": 1e308, "updatePeriod": 0, "layer": "x", "role": "?"}""",
        """{"run": "not-a-guid", "step": -5, "format": "nope", "calibration": 1e308}""",
        """{"kind": "external", "layers": [null], "name": 5}""",
        """{"model": {"layers": 2147483647, "dModel": -1}, "steps": 1e308, "data": {"kind": "text", "path": "quantscope.db"}}""",
        """{"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {"i": {"j": {"k": {"l": {"m": {"n": {"o": {"p": {"q": {"r": 1}}}}}}}}}}}}}}}}}}""",
    ];

    private static readonly string[] Queries =
    [
        "",
        "?metric=amaxCustom&role=input&layer=l1", // the fuzzed run's layer metric holds +Infinity: heatmap pictures of it
        "?metric=&role=&layer=&format=&name=",
        "?metric=loss&role=nope&layer=%00&width=99999999999&height=-1&points=-5",
        "?metric=overflowFraction&role=grad&width=200&height=8000&points=2147483647&format=zip&law=chen2099",
        "?metric=amax%00%ff&role=input&layer=" + new string('x', 3000) + "&other=1&other=2",
        "?ids=not-a-guid&ids=&metric=loss&run=" + Guid.Empty + "&step=-1",
    ];

    [Fact]
    public async Task EveryApiOperation_MalformedAndExtremeInputs_NeverA5xx()
    {
        using var client = factory.CreateClient();
        var external = await CreateExternalRunAsync(client);
        var operations = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.TrimStart('/').StartsWith("api", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, e.RoutePattern)))
            .OrderBy(o => o.Method == "DELETE") // deletes last: the run stays for the others
            .ToList();
        Assert.True(operations.Count >= 35, $"only {operations.Count} API operations found");

        var failures = new List<string>();
        var sent = 0;
        foreach (var (method, pattern) in operations)
        {
            foreach (var routeValue in new[] { external.ToString(), Guid.NewGuid().ToString(), "e4m3", "%2e%2e", new string('z', 2000) })
            {
                var path = Path(pattern, routeValue);
                if (path is null) continue;
                foreach (var (query, body) in Inputs(method, path))
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method), path + query);
                    if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                    using var response = await client.SendAsync(request);
                    sent++;
                    if ((int)response.StatusCode >= 500)
                        failures.Add($"{method} {path}{query} body {body ?? "(none)"} -> {(int)response.StatusCode}: {Truncate(await response.Content.ReadAsStringAsync())}");
                }
            }
        }
        output.WriteLine($"{operations.Count} operations, {sent} requests, {failures.Count} 5xx");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    /// <summary>The pattern with every parameter set to <paramref name="value"/>; null when a constraint would not match it.</summary>
    private static string? Path(RoutePattern pattern, string value)
    {
        var text = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            text.Append('/');
            foreach (var part in segment.Parts)
            {
                if (part is RoutePatternLiteralPart literal) text.Append(literal.Content);
                else if (part is RoutePatternSeparatorPart separator) text.Append(separator.Content);
                else if (part is RoutePatternParameterPart parameter)
                {
                    if (parameter.ParameterPolicies.Any(p => p.Content == "guid") && !Guid.TryParse(value, out _)) return null;
                    text.Append(value);
                }
            }
        }
        return text.ToString();
    }

    /// <summary>(query, body) pairs for one operation: every query without a body, and for writes every body too.</summary>
    private static IEnumerable<(string Query, string? Body)> Inputs(string method, string path)
    {
        var writes = method is "POST" or "PUT" or "PATCH";
        foreach (var query in Queries)
        {
            // An empty POST /api/runs is the demo config: a real run, not a malformed input.
            if (!(writes && path == "/api/runs")) yield return (query, null);
        }
        if (!writes) yield break;
        foreach (var body in Bodies) yield return ("", body);
        yield return (Queries[3], Bodies[5]);
    }

    private static async Task<Guid> CreateExternalRunAsync(HttpClient client)
    {
        var created = await client.PostAsJsonAsync("/api/runs", new { kind = "external", name = "fuzzed", layers = new[] { "l0", "l1" } });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var batch = await client.PostAsJsonAsync($"/api/runs/{id}/metrics", new
        {
            steps = new[] { 0, 0, 1, 1 },
            names = new[] { "loss", "amaxCustom", "loss", "amaxCustom" },
            layers = new[] { null, "l1", null, "l0" },
            values = new object[] { 1.5, "Infinity", 1.25, 3.0 },
        });
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        return id;
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "...";
}
