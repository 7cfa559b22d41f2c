namespace QuantScope.Web.Studies;

/// <summary>One target of a study as the engine judges it (<see cref="QuantScope.Engine.Training.DemoStudyTargets"/>), with its verdict.</summary>
/// <param name="Arm">The arm it judges (<see cref="QuantScope.Engine.Training.StudyArm.Key"/>), or <c>study</c> for the whole.</param>
/// <param name="Name">What is measured.</param>
/// <param name="Goal">The bar it must clear, as printed.</param>
/// <param name="Measured">The measured value as printed; <c>–</c> until the runs have it.</param>
/// <param name="Met">True / false once judged; null while pending or when the runs ended without the figure (see <paramref name="Verdict"/>).</param>
/// <param name="Verdict"><c>met</c>, <c>not met</c>, <c>pending</c> (a run it reads has not ended yet) or <c>not measured</c>
/// (the runs ended without the figure: a run cancelled, or no twin, so no APE).</param>
public sealed record StudyTargetDto(string Arm, string Name, string Goal, string Measured, bool? Met, string Verdict)
{
    /// <summary>Verdict: the target holds.</summary>
    public const string MetVerdict = "met";

    /// <summary>Verdict: the target fails.</summary>
    public const string NotMetVerdict = "not met";

    /// <summary>Verdict: a run the target reads has not ended.</summary>
    public const string PendingVerdict = "pending";

    /// <summary>Verdict: the runs ended without the figure.</summary>
    public const string NotMeasuredVerdict = "not measured";
}
