namespace QuantScope.Web.Security;

/// <summary>
/// Security headers on every response: a content security policy that allows only our own scripts and styles
/// (plus the import map's nonce), no framing, no MIME sniffing and no referrer.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    /// <summary>
    /// SHA-256 of the one inline style sheet a library injects: plotly.js 3.7.0 (Plotly.Blazor 7.2.0) adds MapLibre's
    /// CSS as a &lt;style&gt; element when it loads (measured in Chromium; we draw no maps, but a blocked sheet is a
    /// console error on every page). A Plotly upgrade changes it: the browser console then names the new hash.
    /// </summary>
    public const string PlotlyMapLibreStyleHash = "'sha256-V2sIX92Uh6ZaGSFTKMHghsB85b9toJtmazgG09AI2uk='";

    /// <summary>
    /// The policy; <c>{nonce}</c> is replaced per response. Blazor Server talks over WebSockets (<c>ws: wss:</c>);
    /// Plotly draws into SVG and sets inline style attributes (<c>style-src-attr 'unsafe-inline'</c>, attributes only:
    /// no inline style sheets and no inline scripts); chart images export as data: and blob: URLs.
    /// </summary>
    public const string Policy =
        "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; style-src-elem 'self' " + PlotlyMapLibreStyleHash + "; " +
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
