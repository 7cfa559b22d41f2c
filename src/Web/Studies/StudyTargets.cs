using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;

namespace QuantScope.Web.Studies;

/// <summary>
/// The demo study's targets, measured from its runs: the fixed recipe is near-lossless (mean loss APE against its twin
/// under <see cref="MaxFixedApePct"/>, every task drop under <see cref="MaxFixedTaskDropPct"/>), and each failure arm is
/// worse than the fixed recipe on its own axis. A target is judged once the runs it reads have completed
/// (<see cref="StudyTargetDto.Verdict"/>).
/// </summary>
public static class StudyTargets
{
    /// <summary>The fixed recipe's mean loss APE must stay under this, percent.</summary>
    public const double MaxFixedApePct = 0.5;

    /// <summary>Each of the fixed recipe's task drops against its twin must stay under this, percent.</summary>
    public const double MaxFixedTaskDropPct = 1.0;

    /// <summary>The targets, in display order.</summary>
    public static IReadOnlyList<StudyTargetDto> Measure(IReadOnlyList<StudyRunDto> runs)
    {
        var fixedRun = Done(runs, DemoStudy.Fixed);
        var mostRecent = Done(runs, DemoStudy.MostRecent);
        var highLr = Done(runs, DemoStudy.HighLr);
        var noWarmup = Done(runs, DemoStudy.NoWarmup);
        return
        [
            Below("fixed-ape", "Fixed recipe: mean loss APE against its twin", $"< {MaxFixedApePct} %", fixedRun, fixedRun?.ApeMeanPct, "%", MaxFixedApePct),
            Below("fixed-task-drops", "Fixed recipe: largest task drop against its twin", $"< {MaxFixedTaskDropPct} %", fixedRun, fixedRun?.WorstTaskDropPct, "%", MaxFixedTaskDropPct),
            Above("most-recent-saturation", "most_recent, H = 1: saturation rate", "above the fixed recipe's",
                mostRecent, mostRecent?.SaturationRate * 100, fixedRun, fixedRun?.SaturationRate * 100, "%"),
            Above("high-lr-forgetting", "High LR: held-out loss rise (forgetting)", "above the fixed recipe's",
                highLr, highLr?.HeldOutLossRise, fixedRun, fixedRun?.HeldOutLossRise, "nats/token"),
            Above("no-warmup-ape", "No BF16 warmup: mean loss APE against its twin", "above the fixed recipe's",
                noWarmup, noWarmup?.ApeMeanPct, fixedRun, fixedRun?.ApeMeanPct, "%"),
        ];
    }

    // The arm's run once it completed (a failed, cancelled or running run measures nothing yet).
    private static StudyRunDto? Done(IReadOnlyList<StudyRunDto> runs, string arm) =>
        runs.FirstOrDefault(r => r.Arm == arm && r.Status == RunStatus.Completed);

    private static StudyTargetDto Below(string key, string name, string goal, StudyRunDto? run, double? measured, string unit, double limit) =>
        Judge(key, name, goal, [run], measured, unit, measured is { } m ? m < limit : null);

    private static StudyTargetDto Above(string key, string name, string goal, StudyRunDto? run, double? measured, StudyRunDto? fixedRun,
        double? reference, string unit) =>
        Judge(key, name, reference is { } r ? $"{goal} ({r.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)} {unit})" : goal,
            [run, fixedRun], measured, unit, measured is { } m && reference is { } rf ? m > rf : null);

    private static StudyTargetDto Judge(string key, string name, string goal, StudyRunDto?[] needs, double? measured, string unit, bool? met)
    {
        var verdict = met switch
        {
            true => StudyTargetDto.MetVerdict,
            false => StudyTargetDto.NotMetVerdict,
            null when needs.Any(r => r is null) => StudyTargetDto.PendingVerdict,
            null => StudyTargetDto.NotMeasuredVerdict,
        };
        return new StudyTargetDto(key, name, goal, measured, unit, met, verdict);
    }
}
