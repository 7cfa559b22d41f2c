namespace QuantScope.Web.Studies;

/// <summary>One task at a study run's end.</summary>
/// <param name="Name">The task.</param>
/// <param name="Acc">The run's accuracy, 0..1.</param>
/// <param name="BaselineAcc">The twin's accuracy, 0..1.</param>
/// <param name="DropPct">(twin - run) / twin, percent (the summary's <c>RelativeDropPct</c>).</param>
/// <param name="DropSePct">The standard error of that drop, percent (the summary's <c>RelativeDropStdErrPct</c>: paired when
/// the summary has the discordant items); null in summaries stored before the engine wrote it.</param>
/// <param name="Items">Items scored, when the summary carries the count.</param>
public sealed record StudyTaskDto(string Name, double Acc, double? BaselineAcc, double? DropPct, double? DropSePct, int? Items)
{
    /// <summary>Items only the twin answered right (the summary's <c>TwinOnly</c>); null when not known.</summary>
    public int? Lost { get; init; }

    /// <summary>Items only the run answered right (the summary's <c>RunOnly</c>); null when not known.</summary>
    public int? Gained { get; init; }
}
