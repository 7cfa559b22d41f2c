namespace QuantScope.Web.Studies;

/// <summary>What a run's tags say about its study (<see cref="StudyTags"/>).</summary>
/// <param name="StudyId">The study.</param>
/// <param name="Arm">The arm's key (<c>fixed</c>, <c>most-recent-h1</c>, ...).</param>
/// <param name="Index">The run's place in the study (display order).</param>
public sealed record StudyMembership(Guid StudyId, string Arm, int Index);
