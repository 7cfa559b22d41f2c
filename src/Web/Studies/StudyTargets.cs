using QuantScope.Engine.Analysis.Diagnosis;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;

namespace QuantScope.Web.Studies;

/// <summary>
/// The study page's targets: the engine's (<see cref="DemoStudyTargets.Evaluate"/>, the one authority on thresholds and
/// rules) over the runs judged so far, in arm order, with the verdicts the page shows. An arm the engine could not judge
/// yet gets one row: <c>pending</c> while its run (or the fixed recipe's, which every arm is judged against) has not
/// ended, else <c>not measured</c>. The study's wall time is pending until every run has ended.
/// </summary>
public static class StudyTargets
{
    /// <summary>The <see cref="StudyTarget.Arm"/> of the whole study's targets.</summary>
    public const string Study = "study";

    /// <summary>The name of an arm's row while the engine cannot judge it.</summary>
    public const string ArmRowName = "its targets";

    /// <summary>
    /// The targets of <paramref name="runs"/> (arm order) from the <paramref name="judged"/> ones' results, with the study's
    /// wall time (null while a run has not ended).
    /// </summary>
    public static IReadOnlyList<StudyTargetDto> Judge(
        IReadOnlyList<StudyRunDto> runs, IReadOnlyList<StudyArmResult> judged, double? wallSeconds, DiagnosisThresholds thresholds)
    {
        var evaluated = DemoStudyTargets.Evaluate(judged, wallSeconds ?? double.NaN, thresholds);
        var targets = new List<StudyTargetDto>();
        foreach (var t in evaluated.Where(t => t.Arm == Study))
            targets.Add(wallSeconds is null ? new(t.Arm, t.Name, t.Goal, DemoStudyTargets.NotMeasured, null, StudyTargetDto.PendingVerdict) : ToDto(t));

        var fixedRun = runs.FirstOrDefault(r => r.Arm == DemoStudy.Fixed);
        var fixedOpen = fixedRun is not null && !fixedRun.Status.HasEnded();
        foreach (var run in runs)
        {
            var own = evaluated.Where(t => t.Arm == run.Arm).ToList();
            if (own.Count > 0)
            {
                targets.AddRange(own.Select(ToDto));
                continue;
            }
            var open = !run.Status.HasEnded() || (run.Arm != DemoStudy.Fixed && fixedOpen);
            targets.Add(new(run.Arm, ArmRowName, run.Expect, DemoStudyTargets.NotMeasured, null,
                open ? StudyTargetDto.PendingVerdict : StudyTargetDto.NotMeasuredVerdict));
        }

        return targets;
    }

    /// <summary>An engine target with its verdict: met, or not measured when its figure is missing, else not met.</summary>
    public static StudyTargetDto ToDto(StudyTarget target) => target switch
    {
        { Met: true } => new(target.Arm, target.Name, target.Goal, target.Measured, true, StudyTargetDto.MetVerdict),
        { Measured: DemoStudyTargets.NotMeasured } => new(target.Arm, target.Name, target.Goal, target.Measured, null, StudyTargetDto.NotMeasuredVerdict),
        _ => new(target.Arm, target.Name, target.Goal, target.Measured, false, StudyTargetDto.NotMetVerdict),
    };
}
