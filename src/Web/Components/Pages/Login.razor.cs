using Microsoft.AspNetCore.Components;
using QuantScope.Web.Security;

namespace QuantScope.Web.Components.Pages;

/// <summary>
/// The sign-in page (static server rendering: it sets the HttpOnly cookie). The form posts with an antiforgery token;
/// the right access token sets the cookie and redirects to <see cref="ReturnUrl"/> (a local path only).
/// </summary>
public sealed partial class Login
{
    [Inject] private AccessGate Gate { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter] private HttpContext HttpContext { get; set; } = default!;

    /// <summary>The token typed into the form.</summary>
    [SupplyParameterFromForm(FormName = "login")] public string? Token { get; set; }

    /// <summary>Where to go after signing in (from the redirect that led here).</summary>
    [SupplyParameterFromQuery(Name = "returnUrl")] public string? ReturnUrl { get; set; }

    /// <summary>Set by a wrong <c>?token=</c> link.</summary>
    [SupplyParameterFromQuery(Name = "failed")] public string? FailedLink { get; set; }

    private bool Failed { get; set; }

    /// <inheritdoc />
    protected override void OnInitialized() => Failed = FailedLink is not null;

    private void SignIn()
    {
        if (!Gate.IsRequired || !Gate.Accepts(Token))
        {
            Failed = Gate.IsRequired;
            HttpContext.Response.StatusCode = Gate.IsRequired ? StatusCodes.Status401Unauthorized : StatusCodes.Status200OK;
            return;
        }
        AccessCookie.Append(HttpContext, Gate);
        Navigation.NavigateTo(AccessCookie.LocalOrRoot(ReturnUrl), forceLoad: true);
    }
}
