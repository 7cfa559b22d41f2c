using System.Globalization;

namespace QuantScope.Web.Studies;

/// <summary>
/// Study membership lives in run tags, as sweeps' does (no table of its own): <c>study:{id}</c>, <c>study-arm:{key}</c>
/// and <c>study-index:{i}</c>. A study then survives restarts with its runs, and its runs stay ordinary runs
/// (filterable, comparable, deletable); deleting a run takes it out of its study.
/// </summary>
public static class StudyTags
{
    private const string Study = "study:";
    private const string Arm = "study-arm:";
    private const string Index = "study-index:";

    /// <summary>The tags of arm <paramref name="armKey"/> (place <paramref name="index"/>) of study <paramref name="studyId"/>.</summary>
    public static string[] For(Guid studyId, string armKey, int index) =>
        [Of(studyId), Arm + armKey, Index + index.ToString(CultureInfo.InvariantCulture)];

    /// <summary>The membership tag of a study.</summary>
    public static string Of(Guid studyId) => Study + studyId.ToString("D");

    /// <summary>The study a run belongs to, its arm and place; null when the tags name no study.</summary>
    public static StudyMembership? Parse(IReadOnlyList<string> tags)
    {
        Guid? id = null;
        var arm = "";
        var index = 0;
        foreach (var tag in tags)
        {
            if (tag.StartsWith(Study, StringComparison.Ordinal) && Guid.TryParse(tag[Study.Length..], out var g)) id = g;
            else if (tag.StartsWith(Arm, StringComparison.Ordinal)) arm = tag[Arm.Length..];
            else if (tag.StartsWith(Index, StringComparison.Ordinal) && int.TryParse(tag[Index.Length..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)) index = i;
        }

        return id is { } studyId ? new StudyMembership(studyId, arm, index) : null;
    }
}
