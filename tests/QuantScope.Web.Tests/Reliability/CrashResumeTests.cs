using Microsoft.Data.Sqlite;

namespace QuantScope.Web.Tests.Reliability;

/// <summary>
/// SIGKILL in the middle of an engine run on the real app as a child process, then a restart on the same file and a
/// resume through the API: the run continues from its last checkpoint and completes with exactly one point per step,
/// and the database passes integrity_check.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class CrashResumeTests : IDisposable
{
    private const int Steps = 200;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"quantscope-resume-{Guid.NewGuid():N}");

    private string DatabasePath => Path.Combine(_folder, "quantscope.db");

    [Fact]
    public async Task Resume_AfterKillAndRestart_RunCompletesWithOnePointPerStep()
    {
        Guid id;
        using (var app = await AppProcess.StartAsync(DatabasePath))
        {
            id = await CrashRecoveryTests.CreateAsync(app.Client, CrashRecoveryTests.LongTinyConfig(Steps));
            await CrashRecoveryTests.WaitUntilAsync(async () => await CrashRecoveryTests.LastStepAsync(app.Client, id) >= 12, TimeSpan.FromSeconds(120));
            app.KillHard(); // SIGKILL mid-run: no shutdown code runs
        }

        Assert.Equal("ok", AppProcess.IntegrityCheck(DatabasePath));
        SqliteConnection.ClearAllPools();

        using (var app = await AppProcess.StartAsync(DatabasePath))
        {
            var before = await app.Client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}");
            Assert.True(before.GetProperty("status").GetString() == "interrupted", $"killed at step {before.GetProperty("lastStep")}, status {before.GetProperty("status")}");

            var response = await app.Client.PostAsync($"/api/runs/{id}/resume", null);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
            var from = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("resumedFromStep").GetInt32();
            Assert.True(from >= 10 && from % 5 == 0, $"resumed from {from}");

            JsonElement run = default;
            await CrashRecoveryTests.WaitUntilAsync(async () =>
            {
                run = await app.Client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}");
                return run.GetProperty("status").GetString() != "running";
            }, TimeSpan.FromSeconds(300));
            Assert.True(run.GetProperty("status").GetString() == "completed", $"{run.GetProperty("status")}: {run.GetProperty("error")}");

            // Points stored before the kill (up to the checkpoint and past it) and after the resume: one per step.
            var loss = await CrashRecoveryTests.SeriesAsync(app.Client, id, "loss", null);
            Assert.Equal(Enumerable.Range(0, Steps), loss.Keys.Order());
            var raw = await app.Client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/series?metric=loss");
            Assert.Equal(Steps, raw.GetArrayLength());
            Assert.All(loss.Values, v => Assert.True(float.IsFinite(v)));
            Assert.Equal(Steps, run.GetProperty("summary").GetProperty("steps").GetInt32());
            app.KillHard();
        }

        Assert.Equal("ok", AppProcess.IntegrityCheck(DatabasePath));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
