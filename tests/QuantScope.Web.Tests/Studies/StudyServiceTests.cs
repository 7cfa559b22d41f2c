using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using QuantScope.Engine.Training;
using QuantScope.Web.Studies;

namespace QuantScope.Web.Tests.Studies;

/// <summary>
/// The quick demo study end to end through the API and the run coordinator: four tagged runs in arm order, one shared
/// pretraining, results and targets once they complete, and the study still there after a restart.
/// </summary>
public sealed class StudyServiceTests(QuantScopeWebFactory factory) : IClassFixture<QuantScopeWebFactory>, IDisposable
{
    // A folder of its own: the pretraining cache lives next to the database, and this test counts who trained it.
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("qs-study-");

    private WebApplicationFactory<Program> Dashboard(int? maxConcurrentRuns = null) => factory.WithWebHostBuilder(b =>
    {
        b.UseSetting("Storage:DatabasePath", Path.Combine(_folder.FullName, "quantscope.db")).UseSetting("Demo:Quick", "true");
        if (maxConcurrentRuns is { } max) b.UseSetting("Training:MaxConcurrentRuns", max.ToString(System.Globalization.CultureInfo.InvariantCulture));
    });

    [Fact]
    public async Task StartDemo_QuickStudy_FourArmsShareOnePretrainingAndOutliveARestart()
    {
        var arms = DemoStudy.Arms(quick: true);
        StudyCreatedDto created;
        await using (var app = Dashboard())
        {
            var client = app.CreateClient();
            var response = await client.PostAsync("/api/studies/demo", null);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            created = (await response.Content.ReadFromJsonAsync<StudyCreatedDto>(JsonDefaults.Options))!;
            Assert.Equal(4, created.Runs.Count);

            // Listed at once, every arm in order, before any has ended.
            var early = (await client.GetFromJsonAsync<StudyDto>($"/api/studies/{created.StudyId}", JsonDefaults.Options))!;
            Assert.Equal(arms.Select(a => a.Key), early.Runs.Select(r => r.Arm));
            Assert.Equal(arms.Select(a => a.Label), early.Runs.Select(r => r.Label));
            Assert.Equal(created.Runs, early.Runs.Select(r => r.RunId));

            foreach (var id in created.Runs)
            {
                var run = await QuantScopeWebFactory.WaitForStatusAsync(client, id, "completed", "failed", "cancelled");
                Assert.Equal("completed", run.GetProperty("status").GetString());
            }

            var study = (await client.GetFromJsonAsync<StudyDto>($"/api/studies/{created.StudyId}", JsonDefaults.Options))!;
            Assert.Equal(RunStatus.Completed, study.Status);
            Assert.All(study.Runs, r => Assert.NotNull(r.ApeMeanPct));
            Assert.All(study.Runs, r => Assert.NotEmpty(r.Tasks));
            var fixedRun = study.Runs[0];
            // The engine's targets: the wall time; the fixed recipe's APE, one drop per task and its findings; two per other arm.
            Assert.Equal(1 + 2 + fixedRun.Tasks.Count + 2 * 3, study.Targets.Count);
            var ape = study.Targets.Single(t => t.Arm == DemoStudy.Fixed && t.Name == "loss APE vs twin, %");
            Assert.Equal((fixedRun.ApeMeanPct!.Value.ToString("F3", System.Globalization.CultureInfo.InvariantCulture), fixedRun.ApeMeanPct < DemoStudyTargets.FixedApePct),
                (ape.Measured, ape.Met));
            Assert.All(study.Targets, t => Assert.NotEqual(StudyTargetDto.PendingVerdict, t.Verdict)); // every run completed: every target judged

            // One pretraining for the four: one run trained it, the others loaded it.
            var series = app.Services.GetRequiredService<MetricSeriesRepository>();
            var trained = new List<int>();
            foreach (var id in created.Runs)
                trained.Add((await series.ReadScalarPointsAsync(id, CancellationToken.None)).Count(p => p.Metric == MetricCatalog.PretrainLoss));
            Assert.Equal([0, 0, 0, arms[0].Config.Pretrain!.Steps], trained.Order());
            Assert.Single(Directory.GetFiles(Path.Combine(_folder.FullName, "checkpoints"), "pretrain-*.qsck"));
        }

        await using (var restarted = Dashboard())
        {
            var client = restarted.CreateClient();
            var listed = (await client.GetFromJsonAsync<List<StudyDto>>("/api/studies", JsonDefaults.Options))!;
            var study = Assert.Single(listed, s => s.Id == created.StudyId);
            Assert.Equal(created.Runs, study.Runs.Select(r => r.RunId));
            Assert.All(study.Runs, r => Assert.Equal(RunStatus.Completed, r.Status));
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/studies/{Guid.NewGuid()}")).StatusCode);
        }
    }

    [Fact]
    public async Task Cancel_StudyJustStarted_EveryRunEndsCancelled()
    {
        await using var app = Dashboard(maxConcurrentRuns: 1); // one trains (pretraining first), three wait in the queue
        var client = app.CreateClient();
        var created = (await (await client.PostAsync("/api/studies/demo", null)).Content.ReadFromJsonAsync<StudyCreatedDto>(JsonDefaults.Options))!;

        var response = await client.PostAsync($"/api/studies/{created.StudyId}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(4, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cancelled").GetInt32());
        foreach (var id in created.Runs)
        {
            var run = await QuantScopeWebFactory.WaitForStatusAsync(client, id, "cancelled", "completed", "failed");
            Assert.Equal("cancelled", run.GetProperty("status").GetString());
        }

        var study = (await client.GetFromJsonAsync<StudyDto>($"/api/studies/{created.StudyId}", JsonDefaults.Options))!;
        Assert.Equal(RunStatus.Cancelled, study.Status);
        Assert.Equal(0, (await (await client.PostAsync($"/api/studies/{created.StudyId}/cancel", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cancelled").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/studies/{Guid.NewGuid()}/cancel", null)).StatusCode);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }
}
