namespace QuantScope.Web.Security;

/// <summary>
/// Access and limits (section "Security" of appsettings). The defaults let a single user on loopback work exactly as
/// before; they are generous enough that the ingest benchmarks never meet them.
/// </summary>
public sealed class SecurityOptions
{
    /// <summary>
    /// The access token. When set (here or in the environment variable <c>QUANTSCOPE_TOKEN</c>) every request needs it,
    /// on loopback too. When unset and the server listens on a non-loopback address, one is generated at start.
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>Largest JSON request body of the API and the UI's form posts, bytes (1 MB; configs are at most 64 KB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Largest body of the data endpoints, bytes (32 MB, Kestrel's old default): <c>POST /api/formats/{name}/quantize</c>
    /// (up to a million values) and <c>/api/laws/{name}/fit|evaluate</c> (point lists).
    /// </summary>
    public long MaxDataBodyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Largest log upload to <c>POST /api/import</c>, bytes (256 MB).</summary>
    public long MaxUploadBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Ingest requests (HTTP metric batches, finish calls and hub batches) one client may send per second, sustained.</summary>
    public int IngestRequestsPerSecond { get; set; } = 1000;

    /// <summary>Ingest requests one client may send in a burst above the sustained rate.</summary>
    public int IngestBurst { get; set; } = 2000;

    /// <summary>
    /// Origins (<c>https://proxy.example</c>) besides the dashboard's own whose pages may send state-changing requests
    /// on loopback with no token (see <see cref="CrossSiteGuardMiddleware"/>): a reverse proxy's public name.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>How long the browser keeps the sign-in cookie, days (it stops working at once when the token changes).</summary>
    public int CookieDays { get; set; } = 30;
}
