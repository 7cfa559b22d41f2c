using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using QuantScope.Engine.Training;

namespace QuantScope.Web.Tests.Reliability;

/// <summary>
/// SIGKILL in the middle of an engine run and an HTTP ingest, on the real app as a child process: on restart every
/// acknowledged point is stored, both runs show as interrupted, the file passes integrity_check, and the engine run
/// resumes from its last checkpoint.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class CrashRecoveryTests : IDisposable
{
    private const int StepsPerBatch = 50;
    private const string LayerMetric = "amaxCustom";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"quantscope-crash-{Guid.NewGuid():N}");

    private string DatabasePath => Path.Combine(_folder, "quantscope.db");

    /// <summary>A tiny engine run that would train for a long time, with a checkpoint every 5 steps.</summary>
    public static object LongTinyConfig(int steps = 100_000) => new
    {
        name = "crash-engine",
        model = new { layers = 1, dModel = 32, heads = 2, ffnDim = 64, contextLength = 32 },
        steps,
        batchSize = 2,
        seqLen = 16,
        logEvery = 1,
        checkpointEvery = 5,
    };

    [Fact]
    public async Task Kill_DuringEngineRunAndIngest_AcknowledgedPointsStoredRunsInterruptedFileIntact()
    {
        Guid engine, external;
        var acked = new ConcurrentBag<int>(); // first step of every batch whose POST answered 2xx
        using (var app = await AppProcess.StartAsync(DatabasePath))
        {
            engine = await CreateAsync(app.Client, LongTinyConfig());
            external = await CreateAsync(app.Client, new { kind = "external", name = "crash-ingest", layers = new[] { "l0", "l1" } });

            using var stop = new CancellationTokenSource();
            var ingesters = Enumerable.Range(0, 3).Select(k => IngestUntilFailureAsync(app.Client, external, k, 3, acked, stop.Token)).ToArray();
            await WaitUntilAsync(async () => await LastStepAsync(app.Client, engine) >= 12 && acked.Count >= 30, TimeSpan.FromSeconds(120));

            app.KillHard(); // SIGKILL: mid-run, with POSTs in flight
            await Task.WhenAll(ingesters);
        }

        Assert.Equal("ok", AppProcess.IntegrityCheck(DatabasePath));
        SqliteConnection.ClearAllPools();

        using (var app = await AppProcess.StartAsync(DatabasePath))
        {
            var engineRun = await app.Client.GetFromJsonAsync<JsonElement>($"/api/runs/{engine}");
            var externalRun = await app.Client.GetFromJsonAsync<JsonElement>($"/api/runs/{external}");
            Assert.Equal("interrupted", engineRun.GetProperty("status").GetString());
            Assert.Equal("interrupted", externalRun.GetProperty("status").GetString());

            // Every acknowledged point is there, with its value (scalars and layer points).
            var loss = await SeriesAsync(app.Client, external, "loss", null);
            var amax = await SeriesAsync(app.Client, external, LayerMetric, "l1");
            foreach (var first in acked)
            {
                for (var s = first; s < first + StepsPerBatch; s++)
                {
                    Assert.True(loss.TryGetValue(s, out var v), $"acknowledged step {s} of the ingest is missing");
                    Assert.Equal(Value(s), v);
                    Assert.Equal(Value(s) * 2, amax[s]);
                }
            }

            // The engine run: its last step matches its stored points (same transaction), and a checkpoint exists.
            var engineLoss = await SeriesAsync(app.Client, engine, "loss", null);
            Assert.Equal(engineRun.GetProperty("lastStep").GetInt32(), engineLoss.Keys.Max());
            Assert.NotEmpty(CheckpointWriter.ReadManifest(Path.Combine(_folder, "checkpoints"), engine));
            app.KillHard();
        }
        Assert.Equal("ok", AppProcess.IntegrityCheck(DatabasePath));
    }

    [Fact]
    public async Task Kill_WithTheDatabaseNamedAsDataAndAnSqliteReaderBeside_AcknowledgedPointsStored()
    {
        const string sqlite3 = "/usr/bin/sqlite3";
        Assert.True(File.Exists(sqlite3), "Debian's sqlite3 CLI is needed (.ci/run installs it)");
        Guid external;
        var acked = new ConcurrentBag<int>();
        using (var app = await AppProcess.StartAsync(DatabasePath))
        {
            // Reading the store as a corpus would drop SQLite's locks for the whole process: refused, naming the field.
            foreach (var path in new[] { DatabasePath, "quantscope.db-wal", "quantscope.db-shm" })
            {
                using var refused = await app.Client.PostAsJsonAsync("/api/runs", new { data = new { kind = "text", path }, steps = 5 });
                var body = await refused.Content.ReadAsStringAsync();
                Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, body);
                Assert.Contains("data.path", body);
            }
            external = await CreateAsync(app.Client, new { kind = "external", name = "crash-reader", layers = new[] { "l0", "l1" } });

            using var stop = new CancellationTokenSource();
            var ingesters = Enumerable.Range(0, 3).Select(k => IngestUntilFailureAsync(app.Client, external, k, 3, acked, stop.Token)).ToArray();
            var reader = Task.Run(() => ReadWithSqlite3Until(sqlite3, stop.Token)); // as README's backup advice does
            await WaitUntilAsync(() => Task.FromResult(acked.Count >= 60), TimeSpan.FromSeconds(120));
            await Task.Delay(1000); // the reader and the writer side by side a while longer

            app.KillHard();
            stop.Cancel();
            await Task.WhenAll(ingesters);
            await reader;
        }

        Assert.Equal("ok", AppProcess.IntegrityCheck(DatabasePath));
        SqliteConnection.ClearAllPools();
        using (var app = await AppProcess.StartAsync(DatabasePath))
        {
            var loss = await SeriesAsync(app.Client, external, "loss", null);
            var missing = acked.SelectMany(first => Enumerable.Range(first, StepsPerBatch)).Count(s => !loss.ContainsKey(s));
            Assert.True(missing == 0, $"{missing} of {acked.Count * StepsPerBatch} acknowledged points are missing");
            app.KillHard();
        }
    }

    // sqlite3 beside the server, the way users read the file: counts and a .backup, again and again.
    private void ReadWithSqlite3Until(string sqlite3, CancellationToken ct)
    {
        var copy = Path.Combine(_folder, "backup.db");
        while (!ct.IsCancellationRequested)
        {
            var info = new System.Diagnostics.ProcessStartInfo(sqlite3) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-cmd", ".timeout 2000", DatabasePath, "SELECT count(*) FROM sqlite_master;", $".backup '{copy}'" })
                info.ArgumentList.Add(arg);
            using var process = System.Diagnostics.Process.Start(info)!;
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            Thread.Sleep(100);
        }
    }

    internal static float Value(int step) => step * 0.25f;

    internal static async Task<Guid> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/runs", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    internal static async Task<int> LastStepAsync(HttpClient client, Guid id) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}")).GetProperty("lastStep").GetInt32();

    internal static async Task<Dictionary<int, float>> SeriesAsync(HttpClient client, Guid id, string metric, string? layer)
    {
        var url = $"/api/runs/{id}/series?metric={metric}" + (layer is null ? "" : $"&layer={layer}");
        var points = await client.GetFromJsonAsync<JsonElement>(url);
        return points.EnumerateArray().ToDictionary(
            p => p.GetProperty("step").GetInt32(),
            p => p.GetProperty("value").ValueKind == JsonValueKind.Number ? p.GetProperty("value").GetSingle() : float.NaN);
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition was not reached in time.");
            await Task.Delay(100);
        }
    }

    /// <summary>One columnar batch: steps [first, first + 50), a scalar loss and a layer point on l1 per step.</summary>
    internal static object Batch(int first)
    {
        var steps = new List<int>();
        var names = new List<string>();
        var values = new List<float>();
        var layers = new List<string?>();
        for (var s = first; s < first + StepsPerBatch; s++)
        {
            steps.Add(s); names.Add("loss"); values.Add(Value(s)); layers.Add(null);
            steps.Add(s); names.Add(LayerMetric); values.Add(Value(s) * 2); layers.Add("l1");
        }
        return new { steps, names, values, layers };
    }

    // Posts batches (this ingester's share of the step range) until the server goes away; records the acknowledged ones.
    private static async Task IngestUntilFailureAsync(HttpClient client, Guid run, int k, int of, ConcurrentBag<int> acked, CancellationToken ct)
    {
        for (var b = 0; !ct.IsCancellationRequested; b++)
        {
            var first = (b * of + k) * StepsPerBatch;
            try
            {
                using var response = await client.PostAsJsonAsync($"/api/runs/{run}/metrics", Batch(first), ct);
                if (response.IsSuccessStatusCode) acked.Add(first);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                return; // killed: this answer never came, so this batch was not acknowledged
            }
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
