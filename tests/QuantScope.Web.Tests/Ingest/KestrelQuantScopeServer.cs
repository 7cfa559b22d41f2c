using QuantScope.Tests.Shared;

namespace QuantScope.Web.Tests.Ingest;

/// <summary>
/// Class fixture: one <see cref="KestrelTestHost"/> (the real app on a free loopback port, temporary database) shared by
/// a test class whose clients run in other processes. xunit builds fixtures only through a parameterless constructor.
/// </summary>
public sealed class KestrelQuantScopeServer : IDisposable
{
    private readonly KestrelTestHost _host = new();

    /// <summary>Where the server answers, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl => _host.BaseUrl;

    /// <inheritdoc />
    public void Dispose() => _host.Dispose();
}
