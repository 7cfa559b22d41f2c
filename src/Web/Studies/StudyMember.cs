using QuantScope.Data.Runs;

namespace QuantScope.Web.Studies;

/// <summary>A stored run of a study, with its place in it (from its tags).</summary>
/// <param name="Run">The run.</param>
/// <param name="Membership">Its study, arm and index.</param>
public sealed record StudyMember(RunEntity Run, StudyMembership Membership);
