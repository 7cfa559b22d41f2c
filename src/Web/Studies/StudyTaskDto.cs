namespace QuantScope.Web.Studies;

/// <summary>One task at a study run's end.</summary>
/// <param name="Name">The task.</param>
/// <param name="Acc">The run's accuracy, 0..1.</param>
/// <param name="BaselineAcc">The twin's accuracy, 0..1.</param>
/// <param name="DropPct">(twin - run) / twin, percent (the summary's <c>RelativeDropPct</c>).</param>
/// <param name="DropSePct">The binomial standard error of that drop, percent (the summary's <c>RelativeDropStdErrPct</c>);
/// null in summaries stored before the engine wrote it.</param>
/// <param name="Items">Items scored, when the summary carries the count.</param>
public sealed record StudyTaskDto(string Name, double Acc, double? BaselineAcc, double? DropPct, double? DropSePct, int? Items);
