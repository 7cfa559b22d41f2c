namespace QuantScope.Web.Studies;

/// <summary>One target of a study, measured by its runs.</summary>
/// <param name="Key">Stable key (<c>fixed-ape</c>, <c>fixed-task-drops</c>, ...).</param>
/// <param name="Name">What is measured.</param>
/// <param name="Goal">The target, in words with its threshold.</param>
/// <param name="Measured">The measured figure (in <paramref name="Unit"/>), null until the runs have it.</param>
/// <param name="Unit">Unit of <paramref name="Measured"/>.</param>
/// <param name="Met">True / false once measured; null while the runs it needs have not completed, or when they completed
/// without the figure (see <paramref name="Verdict"/>).</param>
/// <param name="Verdict"><c>met</c>, <c>not met</c>, <c>pending</c> (a run it needs has not completed) or <c>not measured</c>
/// (the runs completed without the figure: e.g. no quantized input, so no saturation rate).</param>
public sealed record StudyTargetDto(string Key, string Name, string Goal, double? Measured, string Unit, bool? Met, string Verdict)
{
    /// <summary>Verdict: the target holds.</summary>
    public const string MetVerdict = "met";

    /// <summary>Verdict: the target fails.</summary>
    public const string NotMetVerdict = "not met";

    /// <summary>Verdict: a run the target reads has not completed.</summary>
    public const string PendingVerdict = "pending";

    /// <summary>Verdict: the runs completed without the figure.</summary>
    public const string NotMeasuredVerdict = "not measured";
}
