using System.Net;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace QuantScope.Web.Security;

/// <summary>
/// What a web page the user happens to visit must not do to a dashboard on loopback with no token (any site's page
/// can send requests to <c>http://localhost:5080</c>, and a DNS-rebinding page can even read the answers):
/// <list type="bullet">
/// <item>a request whose <c>Host</c> is not a loopback name (<c>localhost</c>, 127.0.0.0/8, <c>[::1]</c>) nor one listed
/// in <c>AllowedHosts</c> gets 400 (rebinding: the page's own name pointed at 127.0.0.1);</item>
/// <item>a state-changing request (any method but GET, HEAD, OPTIONS, and every WebSocket upgrade) whose
/// <c>Sec-Fetch-Site</c> is not <c>same-origin</c> or <c>none</c>, or whose <c>Origin</c> is not the dashboard's own
/// (nor in <see cref="SecurityOptions.AllowedOrigins"/>), gets 403. Scripts, the Python client and workers send
/// neither header and pass; the dashboard's own pages send same-origin ones.</item>
/// </list>
/// With a token in force these checks are not needed (a cross-site request carries no token and the sign-in cookie is
/// SameSite=Strict) and are skipped, so a reverse proxy's names work. Always: a JSON endpoint (<c>POST</c>,
/// <c>PUT</c>, <c>PATCH</c> under <c>/api/</c>, except the <c>/api/import</c> upload) with a body requires
/// <c>Content-Type: application/json</c> (415 otherwise), so no HTML form or "simple" cross-site request reaches it.
/// </summary>
public sealed class CrossSiteGuardMiddleware(RequestDelegate next, AccessGate gate, IConfiguration configuration, Microsoft.Extensions.Options.IOptions<SecurityOptions> options)
{
    /// <summary>The configuration key of extra host names served in loopback mode (ASP.NET's own, <c>;</c>-separated; <c>*</c> = any).</summary>
    public const string AllowedHostsKey = "AllowedHosts";

    private readonly string[] _extraHosts = (configuration[AllowedHostsKey] ?? "")
        .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private readonly string[] _extraOrigins = options.Value.AllowedOrigins.Where(v => v.Length > 0).Select(v => v.TrimEnd('/')).ToArray();

    /// <summary>Handles one request.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!gate.IsRequired)
        {
            if (!HostAllowed(request.Host))
                return RefuseAsync(context, StatusCodes.Status400BadRequest, "This host name is not served here.",
                    $"The Host header is not a loopback name; add the name to {AllowedHostsKey} to serve it.");
            if (IsStateChanging(context) && CrossSiteReason(request) is { } why)
                return RefuseAsync(context, StatusCodes.Status403Forbidden, "Cross-site requests may not change anything here.",
                    why + " Open the dashboard itself, or send the request from a script (no Origin header).");
        }
        if (ExpectsJson(request) && HasBody(request) && !IsJson(request.ContentType))
            return RefuseAsync(context, StatusCodes.Status415UnsupportedMediaType, "The body must be JSON.",
                "Send the body with Content-Type: application/json.");
        return next(context);
    }

    private bool HostAllowed(HostString host)
    {
        if (!host.HasValue) return true; // HTTP/1.0 without Host: nothing to rebind
        var name = host.Host.Trim('[', ']');
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)) return true;
        if (IPAddress.TryParse(name, out var ip) && ListenAddresses.IsLoopback(ip)) return true;
        return _extraHosts.Any(h => h == "*" || h.Equals(name, StringComparison.OrdinalIgnoreCase)
            || (h.StartsWith("*.", StringComparison.Ordinal) && name.EndsWith(h[1..], StringComparison.OrdinalIgnoreCase)));
    }

    private static bool IsStateChanging(HttpContext context) =>
        !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method))
        || context.WebSockets.IsWebSocketRequest;

    /// <summary>Why the request comes from another site; null when it is same-origin or from a non-browser client.</summary>
    private string? CrossSiteReason(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
            return "The browser says the request comes from another site (Sec-Fetch-Site).";
        var origin = request.Headers.Origin;
        if (StringValues.IsNullOrEmpty(origin)) return null;
        var text = origin.ToString().TrimEnd('/');
        if (_extraOrigins.Contains(text, StringComparer.OrdinalIgnoreCase)) return null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri)
            && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.Authority, Authority(request), StringComparison.OrdinalIgnoreCase))
            return null;
        return "The request's Origin is not this dashboard (add it to Security:AllowedOrigins to allow it).";
    }

    // Host as Uri.Authority writes it: the default port dropped.
    private static string Authority(HttpRequest request)
    {
        var host = request.Host;
        var defaultPort = request.IsHttps ? 443 : 80;
        return host.Port is { } port && port != defaultPort ? $"{host.Host}:{port}" : host.Host;
    }

    private static bool ExpectsJson(HttpRequest request) =>
        (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
        && request.Path.StartsWithSegments("/api") && !request.Path.StartsWithSegments("/api/import");

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.MediaType.Value?.EndsWith("+json", StringComparison.OrdinalIgnoreCase) == true);

    private static Task RefuseAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { title, status, detail }, options: null, contentType: "application/problem+json");
    }
}
