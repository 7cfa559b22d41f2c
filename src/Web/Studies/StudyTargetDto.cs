namespace QuantScope.Web.Studies;

/// <summary>One target of a study, measured by its runs.</summary>
/// <param name="Key">Stable key (<c>fixed-ape</c>, <c>fixed-task-drops</c>, ...).</param>
/// <param name="Name">What is measured.</param>
/// <param name="Goal">The target, in words with its threshold.</param>
/// <param name="Measured">The measured figure (in <paramref name="Unit"/>), null until the runs have it.</param>
/// <param name="Unit">Unit of <paramref name="Measured"/>.</param>
/// <param name="Met">True / false once measured; null while the runs it needs have not completed.</param>
public sealed record StudyTargetDto(string Key, string Name, string Goal, double? Measured, string Unit, bool? Met);
