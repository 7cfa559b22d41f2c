namespace QuantScope.Web.Studies;

/// <summary>The answer to <c>POST /api/studies/demo</c>: the study and its runs in arm order.</summary>
/// <param name="StudyId">The new study.</param>
/// <param name="Runs">Its runs, one per arm, in display order.</param>
public sealed record StudyCreatedDto(Guid StudyId, IReadOnlyList<Guid> Runs);
