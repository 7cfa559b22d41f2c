using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.Extensions.Primitives;

namespace QuantScope.Web.Security;

/// <summary>
/// Lets a request through when no token is in force, or when it carries the token: <c>Authorization: Bearer</c>
/// (API, ingest, hub), <c>access_token</c> in the query string (hub WebSockets from browsers), or the sign-in cookie
/// (UI). A GET with <c>?token=</c> sets the cookie and redirects to the same URL without it. Otherwise API, hub and
/// non-GET requests get 401; UI pages redirect to <c>/login</c>.
/// </summary>
public sealed class AccessTokenMiddleware(RequestDelegate next, AccessGate gate)
{
    /// <summary>The sign-in page.</summary>
    public const string LoginPath = "/login";

    /// <summary>Handles one request.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        // A safety net for the moment between binding and the start-up check (and for binds the config does not show):
        // a request that reached a non-loopback interface turns the requirement on before it is answered.
        if (!gate.IsRequired && context.Connection.LocalIpAddress is { } local && !ListenAddresses.IsLoopback(local))
            gate.RequireGenerated($"answering on {local}");
        if (!gate.IsRequired) return next(context);

        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) && !IsMachinePath(request.Path)
            && request.Query.TryGetValue("token", out var linkToken))
            return SignInFromLink(context, linkToken);

        if (HasToken(request) || IsPublic(context)) return next(context);

        if (IsMachinePath(request.Path) || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"QuantScope\"";
            return context.Response.WriteAsJsonAsync(new
            {
                title = "An access token is required.",
                status = 401,
                detail = "Send 'Authorization: Bearer <token>' (the token the server printed at start, or Security:AccessToken / QUANTSCOPE_TOKEN).",
            }, options: null, contentType: "application/problem+json");
        }
        var returnUrl = request.PathBase + request.Path + request.QueryString;
        context.Response.Redirect($"{LoginPath}?returnUrl={Uri.EscapeDataString(returnUrl)}");
        return Task.CompletedTask;
    }

    private bool HasToken(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return gate.Accepts(authorization["Bearer ".Length..].Trim());
        // Browsers cannot set headers on WebSockets: SignalR sends the token as access_token there.
        if (request.Path.StartsWithSegments("/hubs") && request.Query.TryGetValue("access_token", out var queryToken))
            return gate.Accepts(queryToken.ToString());
        return gate.AcceptsCookie(request.Cookies[AccessCookie.Name]);
    }

    private Task SignInFromLink(HttpContext context, StringValues token)
    {
        var request = context.Request;
        var rest = QueryString.Create(request.Query.Where(q => q.Key != "token"));
        var target = AccessCookie.LocalOrRoot(request.PathBase + request.Path + rest);
        if (gate.Accepts(token.ToString()))
        {
            AccessCookie.Append(context, gate);
            context.Response.Redirect(target);
        }
        else
        {
            context.Response.Redirect($"{LoginPath}?failed=1&returnUrl={Uri.EscapeDataString(target)}");
        }
        return Task.CompletedTask;
    }

    /// <summary>API, hub and the Blazor circuit: answered with 401, never redirected.</summary>
    private static bool IsMachinePath(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/_blazor");

    /// <summary>The sign-in page and static build assets (css, js, icons: public files, needed by the sign-in page).</summary>
    private static bool IsPublic(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.Equals(LoginPath, StringComparison.OrdinalIgnoreCase)) return true;
        if (!(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)) || IsMachinePath(path))
            return false;
        var endpoint = context.GetEndpoint();
        return endpoint is not null && endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is null
            && Path.HasExtension(path.Value);
    }
}
