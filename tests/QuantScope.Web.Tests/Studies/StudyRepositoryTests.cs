using System.Text.Json;
using QuantScope.Web.Analysis;
using QuantScope.Web.Setup;
using QuantScope.Web.Studies;

namespace QuantScope.Web.Tests.Studies;

public sealed class StudyRepositoryTests
{
    [Theory]
    [InlineData(new[] { RunStatus.Completed, RunStatus.Queued, RunStatus.Failed }, RunStatus.Running)]
    [InlineData(new[] { RunStatus.Completed, RunStatus.Pending }, RunStatus.Running)]
    [InlineData(new[] { RunStatus.Completed, RunStatus.Completed }, RunStatus.Completed)]
    [InlineData(new[] { RunStatus.Cancelled, RunStatus.Failed, RunStatus.Completed }, RunStatus.Failed)]
    [InlineData(new[] { RunStatus.Cancelled, RunStatus.Interrupted }, RunStatus.Interrupted)]
    [InlineData(new[] { RunStatus.Cancelled, RunStatus.Completed }, RunStatus.Cancelled)]
    public void StatusOf_RunsStatuses_GiveTheStudys(RunStatus[] runs, RunStatus study) => Assert.Equal(study, StudyRepository.StatusOf(runs));

    [Fact]
    public async Task Get_RunsTaggedWithTwoStudies_GroupedInArmOrder()
    {
        await using var data = await TempQuantScopeData.CreateAsync();
        var loader = new DiagnosisInputLoader(data.Runs, data.Series);
        var repository = new StudyRepository(data.Runs, new StudyJudge(loader, new RunDiagnoser(loader)));
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        var second = await data.CreateRunAsync();
        var first = await data.CreateRunAsync();
        var other = await data.CreateRunAsync();
        var plain = await data.CreateRunAsync();
        await data.Runs.EditAsync(second, null, StudyTags.For(a, "high-lr", 1), null, CancellationToken.None);
        await data.Runs.EditAsync(first, null, StudyTags.For(a, "fixed", 0), null, CancellationToken.None);
        await data.Runs.EditAsync(other, null, StudyTags.For(b, "fixed", 0), null, CancellationToken.None);
        await data.Runs.EditAsync(plain, null, ["study-arm:fixed"], null, CancellationToken.None); // no study id: not a member

        var study = (await repository.GetAsync(a, CancellationToken.None))!;
        Assert.Equal([first, second], study.Runs.Select(r => r.RunId));
        Assert.Equal(["fixed", "high-lr"], study.Runs.Select(r => r.Arm));
        Assert.Equal(RunStatus.Running, study.Status); // pending runs
        Assert.All(study.Targets, t => Assert.Equal(StudyTargetDto.PendingVerdict, t.Verdict)); // nothing ended: nothing judged yet
        Assert.Equal([StudyTargets.Study, "fixed", "high-lr"], study.Targets.Select(t => t.Arm));
        Assert.Equal(2, (await repository.ListAsync(CancellationToken.None)).Count);
        Assert.Null(await repository.GetAsync(Guid.NewGuid(), CancellationToken.None));
    }

    [Fact]
    public async Task Get_CompletedRun_JudgeKeepsTheFindingsTheDiagnoserGives()
    {
        await using var data = await TempQuantScopeData.CreateAsync();
        var loader = new DiagnosisInputLoader(data.Runs, data.Series);
        var diagnoser = new RunDiagnoser(loader);
        var judge = new StudyJudge(loader, diagnoser);
        var repository = new StudyRepository(data.Runs, judge);
        var studyId = Guid.NewGuid();
        var (ended, running) = (await data.CreateRunAsync("model.layers.0.mlp.down_proj"), await data.CreateRunAsync());
        await data.Runs.EditAsync(ended, null, StudyTags.For(studyId, "fixed", 0), null, CancellationToken.None);
        await data.Runs.EditAsync(running, null, StudyTags.For(studyId, "high-lr", 1), null, CancellationToken.None);
        var summary = new RunSummary(ended, RunStatus.Completed, 10, 2.5, null, null, null, null, []);
        await data.Runs.SetSummaryAsync(ended, JsonSerializer.Serialize(summary, JsonDefaults.Options), CancellationToken.None);
        await data.Runs.MarkEndedAsync(ended, RunStatus.Completed, null, CancellationToken.None);
        Assert.Null(judge.FindingsOf(ended)); // not judged before the study is read

        await repository.GetAsync(studyId, CancellationToken.None);

        var expected = await diagnoser.DiagnoseAsync(ended, CancellationToken.None);
        Assert.NotNull(judge.FindingsOf(ended));
        Assert.Equal(expected!.Select(f => (f.Detector, f.Severity, f.Title, f.Evidence)),
            judge.FindingsOf(ended)!.Select(f => (f.Detector, f.Severity, f.Title, f.Evidence)));
        Assert.Null(judge.FindingsOf(running)); // still running: the study page diagnoses it once it ended
    }
}
