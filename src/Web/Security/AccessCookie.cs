using Microsoft.Extensions.Options;

namespace QuantScope.Web.Security;

/// <summary>The browser's sign-in cookie: HttpOnly, SameSite=Strict (no cross-site request carries it), Secure on HTTPS.</summary>
public static class AccessCookie
{
    /// <summary>The cookie's name.</summary>
    public const string Name = "QuantScope.Access";

    /// <summary>Sets the cookie on the response.</summary>
    public static void Append(HttpContext context, AccessGate gate)
    {
        var days = context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.CookieDays;
        context.Response.Cookies.Append(Name, gate.CookieValue, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            IsEssential = true,
            MaxAge = TimeSpan.FromDays(Math.Max(1, days)),
        });
    }

    /// <summary>
    /// <paramref name="returnUrl"/> when it is a path on this site ("/runs/x"), else "/": a sign-in never redirects
    /// elsewhere ("//evil.example", "/\evil.example" and absolute URLs are refused).
    /// </summary>
    public static string LocalOrRoot(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl)
            ? url
            : "/";
}
