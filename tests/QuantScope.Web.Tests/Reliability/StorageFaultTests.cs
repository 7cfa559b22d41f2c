using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace QuantScope.Web.Tests.Reliability;

/// <summary>
/// The database locked by another connection, and the disk full (a small tmpfs): ingest pushes back with 503 and
/// Retry-After instead of dropping, every acknowledged point is stored, resending works once the fault is gone, and the
/// file passes integrity_check.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class StorageFaultTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"quantscope-faults-{Guid.NewGuid():N}");
    private bool _mounted;

    private WebApplicationFactory<Program> App(string databasePath) => new QuantScopeWebFactory().WithWebHostBuilder(b => b
        .UseSetting("Storage:DatabasePath", databasePath)
        .UseSetting("Storage:IngestAckTimeoutSeconds", "1"));

    [Fact]
    public async Task Ingest_DatabaseLockedByAnotherConnection_503WithRetryAfterThenStoredOnceReleased()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "locked.db");
        using var app = App(path);
        using var client = app.CreateClient();
        var run = await CrashRecoveryTests.CreateAsync(client, new { kind = "external", layers = new[] { "l1" } });

        using (var blocker = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            blocker.Open();
            using (var begin = blocker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE;";
                begin.ExecuteNonQuery();
            }
            using var pushedBack = await client.PostAsJsonAsync($"/api/runs/{run}/metrics", CrashRecoveryTests.Batch(0));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, pushedBack.StatusCode);
            Assert.True(pushedBack.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
            using var rollback = blocker.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
        }

        // Resending the refused batch is safe: it is stored once (the queued copy and the resent one are the same steps).
        await ResendUntilOkAsync(client, run, 0, TimeSpan.FromSeconds(60));
        var loss = await CrashRecoveryTests.SeriesAsync(client, run, "loss", null);
        Assert.Equal(Enumerable.Range(0, 50), loss.Keys.Order());
        Assert.All(loss, p => Assert.Equal(CrashRecoveryTests.Value(p.Key), p.Value));
        Assert.Equal("ok", AppProcess.IntegrityCheck(path));
    }

    [Fact]
    public async Task Ingest_DiskFull_503WithRetryAfterNothingAcknowledgedLostResumesWhenSpaceReturns()
    {
        if (!TryMountTmpfs(_folder, "6m"))
        {
            output.WriteLine("tmpfs cannot be mounted here (needs root): disk-full test not applicable");
            return;
        }
        var path = Path.Combine(_folder, "full.db");
        using var app = App(path);
        using var client = app.CreateClient();
        var run = await CrashRecoveryTests.CreateAsync(client, new { kind = "external", layers = new[] { "l1" } });
        var filler = Path.Combine(_folder, "filler.bin");
        Fill(filler, _folder, leaveBytes: 256 * 1024);

        var acked = new List<int>();
        HttpResponseMessage? refused = null;
        for (var b = 0; b < 2000 && refused is null; b++)
        {
            var response = await client.PostAsJsonAsync($"/api/runs/{run}/metrics", CrashRecoveryTests.Batch(b * 50));
            if (response.IsSuccessStatusCode) acked.Add(b * 50);
            else refused = response;
        }
        Assert.NotNull(refused);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        output.WriteLine($"disk full after {acked.Count} acknowledged batches: {await refused.Content.ReadAsStringAsync()}");

        File.Delete(filler); // space returns: the kept flush commits, ingest takes points again
        var next = (acked.Count == 0 ? 0 : acked.Max() + 50);
        await ResendUntilOkAsync(client, run, next, TimeSpan.FromSeconds(60));
        acked.Add(next);

        var loss = await CrashRecoveryTests.SeriesAsync(client, run, "loss", null);
        foreach (var first in acked)
            for (var s = first; s < first + 50; s++)
                Assert.Equal(CrashRecoveryTests.Value(s), loss[s]);
        Assert.Equal("ok", AppProcess.IntegrityCheck(path));
    }

    private static async Task ResendUntilOkAsync(HttpClient client, Guid run, int first, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var response = await client.PostAsJsonAsync($"/api/runs/{run}/metrics", CrashRecoveryTests.Batch(first));
            if (response.IsSuccessStatusCode) return;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            if (clock.Elapsed > limit) throw new TimeoutException("Storage did not recover in time.");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private static void Fill(string file, string folder, long leaveBytes)
    {
        var free = new DriveInfo(folder).AvailableFreeSpace;
        using var stream = File.Create(file);
        var chunk = new byte[64 * 1024];
        for (var left = free - leaveBytes; left > 0; left -= chunk.Length)
            stream.Write(chunk, 0, (int)Math.Min(chunk.Length, left));
    }

    private bool TryMountTmpfs(string folder, string size)
    {
        if (!OperatingSystem.IsLinux()) return false;
        Directory.CreateDirectory(folder);
        _mounted = Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", folder) == 0;
        return _mounted;
    }

    private static int Run(string file, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in args) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            process.WaitForExit(10_000);
            return process.HasExited ? process.ExitCode : -1;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (_mounted) Run("umount", "-l", _folder);
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
