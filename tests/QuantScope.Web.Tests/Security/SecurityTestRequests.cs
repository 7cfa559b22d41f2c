using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace QuantScope.Web.Tests.Security;

/// <summary>Requests the security tests share: bearer clients, an external run, a batch, the sign-in form.</summary>
public static partial class SecurityTestRequests
{
    /// <summary>A one-point columnar batch.</summary>
    public static object Batch(int step = 0) => new { steps = new[] { step }, names = new[] { "loss" }, values = new[] { 2.5 } };

    /// <summary>Adds <c>Authorization: Bearer token</c>.</summary>
    public static HttpClient WithBearer(this HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Creates an external run and returns its id.</summary>
    public static async Task<Guid> CreateExternalRunAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/api/runs", new { kind = "external", name = "sec" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>GETs /login and returns the antiforgery form token and the antiforgery cookie ("name=value").</summary>
    public static async Task<(string FormToken, string Cookie)> ReadLoginFormAsync(HttpClient client, string url = "/login")
    {
        using var page = await client.GetAsync(url);
        page.EnsureSuccessStatusCode();
        var html = await page.Content.ReadAsStringAsync();
        var token = AntiforgeryInput().Match(html).Groups[1].Value;
        var cookie = page.Headers.GetValues("Set-Cookie").First(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal)).Split(';')[0];
        return (token, cookie);
    }

    /// <summary>POSTs the sign-in form.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string url, string formToken, string antiforgeryCookie, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login",
                ["__RequestVerificationToken"] = formToken,
                ["Token"] = token,
            }),
        };
        request.Headers.Add("Cookie", antiforgeryCookie);
        return await client.SendAsync(request);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();
}
