using Microsoft.Extensions.Options;
using QuantScope.Data.Runs;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Studies;

/// <summary>
/// Starts the demo study: the four arms of <see cref="DemoStudy"/> (quick ones when <see cref="DemoOptions.Quick"/>),
/// each an ordinary engine run through the <see cref="RunCoordinator"/> (its queue, <c>Training:MaxConcurrentRuns</c>
/// and thread budget apply), tagged with the study (<see cref="StudyTags"/>). All four are recorded before the first
/// starts, so the study page lists every arm at once. They share one pretraining: the first to reach it trains and
/// caches it, the others wait for it and load the cache.
/// </summary>
public sealed class StudyService(RunCoordinator coordinator, RunControl control, RunRepository runs, StudyRepository studies, IOptions<DemoOptions> options)
{
    private readonly EngineRunRecorder _recorder = new(runs);

    /// <summary>Whether "Start demo" trains the quick arms.</summary>
    public bool Quick => options.Value.Quick;

    /// <summary>Records and starts the four arms; returns the study and its runs in arm order.</summary>
    /// <exception cref="ArgumentException">An arm's config does not validate (a defect of the built-in study, named).</exception>
    public async Task<StudyCreatedDto> StartDemoAsync(CancellationToken ct)
    {
        var arms = DemoStudy.Arms(Quick);
        var configs = arms.Select(a => ConfigValidator.Require(a.Config)).ToList(); // all valid before anything is recorded
        var studyId = Guid.NewGuid();
        var ids = new List<Guid>();
        for (var i = 0; i < arms.Count; i++)
        {
            var id = Guid.NewGuid();
            await _recorder.CreateAsync(id, configs[i].Config, ct);
            await runs.EditAsync(id, null, StudyTags.For(studyId, arms[i].Key, i), null, ct);
            ids.Add(id);
        }

        for (var i = 0; i < ids.Count; i++) await coordinator.StartAsync(configs[i], ids[i], ct);
        return new StudyCreatedDto(studyId, ids);
    }

    /// <summary>Cancels the study's runs that have not ended (queued ones at once, training ones within a step); null when there is no such study.</summary>
    /// <returns>How many runs were asked to stop.</returns>
    /// <exception cref="IOException">A run trains on another dashboard host that cannot be asked.</exception>
    public async Task<int?> CancelAsync(Guid studyId, CancellationToken ct)
    {
        if (await studies.GetAsync(studyId, ct) is not { } study) return null;
        var cancelled = 0;
        foreach (var run in study.Runs.Where(r => !r.Status.HasEnded()))
        {
            if (await control.CancelAsync(run.RunId, ct)) cancelled++;
        }
        return cancelled;
    }
}
