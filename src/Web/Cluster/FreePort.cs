using System.Net;
using System.Net.Sockets;

namespace QuantScope.Web.Cluster;

/// <summary>Picks a TCP port nobody listens on now, so several workers can share one machine without port settings.</summary>
public static class FreePort
{
    /// <summary>A free port on all interfaces (the OS picks it; another process could take it before use, rarely).</summary>
    public static int Pick()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
