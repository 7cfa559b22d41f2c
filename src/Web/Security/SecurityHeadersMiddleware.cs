namespace QuantScope.Web.Security;

/// <summary>
/// Security headers on every response: a content security policy that allows only our own scripts and styles
/// (plus the import map's nonce), no framing, no MIME sniffing and no referrer.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    /// <summary>
    /// The policy; <c>{nonce}</c> is replaced per response. Blazor Server talks over WebSockets (<c>ws: wss:</c>);
    /// Plotly draws into SVG and sets inline style attributes (<c>style-src-attr 'unsafe-inline'</c>, attributes only:
    /// no inline style sheets and no inline scripts: our plotly.js build has no map traces, so it injects no MapLibre
    /// sheet); chart images export as data: and blob: URLs.
    /// </summary>
    public const string Policy =
        "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; style-src-elem 'self'; " +
        "style-src-attr 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws: wss:; " +
        "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Adds the headers, then runs the rest of the pipeline.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        var policy = Policy.Replace("{nonce}", CspNonce.Of(context), StringComparison.Ordinal);
        headers.ContentSecurityPolicy = policy;
        // Blazor's interactive endpoints add their own "frame-ancestors 'self'" policy later: ours replaces it.
        context.Response.OnStarting(() =>
        {
            headers.ContentSecurityPolicy = policy;
            return Task.CompletedTask;
        });
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        return next(context);
    }
}
