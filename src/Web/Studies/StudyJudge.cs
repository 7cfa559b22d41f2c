using System.Collections.Concurrent;
using QuantScope.Data.Runs;
using QuantScope.Engine.Analysis.Diagnosis;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using QuantScope.Web.Analysis;
using QuantScope.Web.Compare;

namespace QuantScope.Web.Studies;

/// <summary>
/// Judges a study's targets from the store (<see cref="StudyTargets"/>): each judged run (completed, or failed with a
/// summary, like a diverged arm of <c>bench --demo</c>) becomes a <see cref="StudyArmResult"/> of its stored summary, its
/// diagnosis with the configured thresholds (<see cref="RunDiagnoser"/>), its wall time and the series the detectors read.
/// Reading series is the cost, so the targets are kept per study until one of its runs ends (or resumes): the live study
/// page and the list read them on load and on each run's end, never per metric batch.
/// </summary>
public sealed class StudyJudge(DiagnosisInputLoader loader, RunDiagnoser diagnoser)
{
    private readonly ConcurrentDictionary<Guid, (string Ends, IReadOnlyList<StudyTargetDto> Targets)> _judged = new();
    private readonly ConcurrentDictionary<Guid, IReadOnlyList<Finding>> _findings = new();

    /// <summary>
    /// The findings run <paramref name="runId"/> was last judged with (a study page shows them instead of diagnosing the
    /// run again); null for a run not judged yet (running, cancelled, or its study not read since it ended).
    /// </summary>
    public IReadOnlyList<Finding>? FindingsOf(Guid runId) => _findings.TryGetValue(runId, out var findings) ? findings : null;

    /// <summary>The targets of study <paramref name="studyId"/>: <paramref name="members"/> and their <paramref name="runs"/>, both in arm order.</summary>
    public async Task<IReadOnlyList<StudyTargetDto>> TargetsAsync(
        Guid studyId, IReadOnlyList<StudyMember> members, IReadOnlyList<StudyRunDto> runs, CancellationToken ct)
    {
        var ends = Ends(members);
        if (_judged.TryGetValue(studyId, out var kept) && kept.Ends == ends) return kept.Targets;

        var results = new List<StudyArmResult>();
        foreach (var member in members)
        {
            if (!IsJudged(member.Run) || RunOverviews.ReadSummary(member.Run.SummaryJson) is not { } summary) continue;
            if (await loader.LoadAsync(member.Run.Id, ct) is not { } input) continue; // deleted meanwhile
            var findings = Diagnoser.Run(input, diagnoser.Thresholds);
            _findings[member.Run.Id] = findings;
            results.Add(new StudyArmResult(member.Membership.Arm, summary, findings, Seconds(member.Run.StartedAt, member.Run.EndedAt) ?? 0,
                input, member.Run.Error));
        }

        var targets = StudyTargets.Judge(runs, results, WallSeconds(members.Select(m => m.Run).ToList()), diagnoser.Thresholds);
        _judged[studyId] = (ends, targets);
        return targets;
    }

    /// <summary>The study's wall time, first run start to last run end, seconds; null while a run has not ended (or none started).</summary>
    public static double? WallSeconds(IReadOnlyList<RunEntity> runs)
    {
        if (runs.Count == 0 || runs.Any(r => !r.Status.HasEnded())) return null;
        var starts = runs.Where(r => r.StartedAt is not null).Select(r => r.StartedAt!.Value).ToList();
        var ends = runs.Where(r => r.EndedAt is not null).Select(r => r.EndedAt!.Value).ToList();
        return starts.Count == 0 || ends.Count == 0 ? null : Seconds(starts.Min(), ends.Max());
    }

    // A run the engine's targets read: it completed, or it failed (diverged) with what it came to so far.
    private static bool IsJudged(RunEntity run) =>
        run.Status == RunStatus.Completed || (run.Status == RunStatus.Failed && run.SummaryJson is not null);

    private static double? Seconds(DateTime? start, DateTime? end) =>
        start is { } s && end is { } e ? Math.Max(0, (e - s).TotalSeconds) : null;

    // What changes the targets: which runs have ended, how, and when (a resumed run ends again later).
    private static string Ends(IReadOnlyList<StudyMember> members) => string.Join(';', members.Select(m =>
        m.Run.Status.HasEnded() ? $"{m.Run.Id}:{m.Run.Status}:{m.Run.EndedAt?.Ticks}" : $"{m.Run.Id}:open"));
}
