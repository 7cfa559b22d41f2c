using System.Net;

namespace QuantScope.Web.Security;

/// <summary>Whether a listening address (as Kestrel reports it in IServerAddressesFeature, or as configured) is loopback only.</summary>
public static class ListenAddresses
{
    /// <summary>
    /// True for <c>localhost</c> (Kestrel binds 127.0.0.1 and [::1] for it) and loopback IPs; false for wildcards
    /// (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c>), other IPs and host names (Kestrel binds every interface for those).
    /// </summary>
    public static bool IsLoopback(string address)
    {
        if (string.IsNullOrWhiteSpace(address)) return true;
        var host = HostOf(address.Trim());
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IsLoopback(ip);
    }

    /// <summary>True for 127.0.0.0/8, ::1 and their IPv4-mapped forms.</summary>
    public static bool IsLoopback(IPAddress ip) =>
        IPAddress.IsLoopback(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);

    private static string HostOf(string address)
    {
        var schemeEnd = address.IndexOf("://", StringComparison.Ordinal);
        var rest = schemeEnd >= 0 ? address[(schemeEnd + 3)..] : address;
        var slash = rest.IndexOf('/');
        if (slash >= 0) rest = rest[..slash];
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']');
            return close > 0 ? rest[..(close + 1)] : rest;
        }
        var colon = rest.LastIndexOf(':');
        return colon >= 0 ? rest[..colon] : rest;
    }
}
