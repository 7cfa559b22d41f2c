using System.Buffers.Text;
using System.Security.Cryptography;

namespace QuantScope.Web.Security;

/// <summary>
/// A per-response random nonce for the one inline script Blazor needs (the import map): the CSP allows scripts from
/// 'self' plus that nonce, never 'unsafe-inline'.
/// </summary>
public static class CspNonce
{
    private static readonly object Key = new();

    /// <summary>The nonce of this response (created on first use).</summary>
    public static string Of(HttpContext context)
    {
        if (context.Items.TryGetValue(Key, out var existing) && existing is string nonce) return nonce;
        nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        context.Items[Key] = nonce;
        return nonce;
    }
}
