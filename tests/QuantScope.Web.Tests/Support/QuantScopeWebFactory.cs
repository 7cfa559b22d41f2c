using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace QuantScope.Web.Tests.Support;

/// <summary>The app on a TestServer with its own temporary SQLite file.</summary>
public sealed class QuantScopeWebFactory : WebApplicationFactory<Program>
{
    /// <summary>A run that trains in about a second.</summary>
    public static object TinyConfig(int steps = 12) => new
    {
        name = "tiny",
        model = new { layers = 1, dModel = 32, heads = 2, ffnDim = 64, contextLength = 32 },
        steps,
        batchSize = 2,
        seqLen = 16,
    };

    /// <summary>The database file of this instance.</summary>
    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), $"quantscope-web-{Guid.NewGuid():N}.db");

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:DatabasePath", DatabasePath);
        builder.UseEnvironment("Development");
    }

    /// <summary>Creates a run through the API and returns its id.</summary>
    public async Task<Guid> CreateRunAsync(HttpClient client, object config)
    {
        var response = await client.PostAsJsonAsync("/api/runs", config);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>Polls the run until its status is one of <paramref name="statuses"/> (or 60 s pass).</summary>
    public static async Task<JsonElement> WaitForStatusAsync(HttpClient client, Guid id, params string[] statuses)
    {
        var deadline = DateTime.UtcNow.AddSeconds(180); // generous: CI machines are shared; it returns as soon as the status is reached
        while (true)
        {
            var run = await client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}", JsonDefaults.Options);
            if (statuses.Contains(run.GetProperty("status").GetString()) || DateTime.UtcNow > deadline) return run;
            await Task.Delay(100);
        }
    }

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
