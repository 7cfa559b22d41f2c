using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace QuantScope.Web.Tests.Security;

/// <summary>The app on a TestServer with an access token (or none), extra settings, and every log message captured.</summary>
public sealed class SecureWebFactory(string? token, IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    /// <summary>A long random-looking token that cannot occur in a log by chance.</summary>
    public const string Token = "qs-test-token-7f3a9c1e5b2d4f6081a7c3e9d5b1f2a4";

    /// <summary>The database file of this instance.</summary>
    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), $"quantscope-sec-{Guid.NewGuid():N}.db");

    /// <summary>Every log message of the app.</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:DatabasePath", DatabasePath);
        builder.UseSetting("Security:AccessToken", token ?? "");
        builder.UseSetting("Logging:LogLevel:Default", "Trace");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Trace");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(key, value);
        builder.UseEnvironment("Development");
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
    }

    /// <summary>A client that neither follows redirects nor keeps cookies (the tests look at each answer).</summary>
    public HttpClient CreateRawClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" })
        {
            if (File.Exists(file)) File.Delete(file);
        }
    }
}
