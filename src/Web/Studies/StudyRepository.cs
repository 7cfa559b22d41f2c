using System.Text.Json;
using QuantScope.Data.Runs;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Studies;

/// <summary>
/// Studies as their runs' tags describe them (<see cref="StudyTags"/>): all from the store, so they outlive restarts; their
/// targets judged by the engine's rules through <see cref="StudyJudge"/>.
/// </summary>
public sealed class StudyRepository(RunRepository runs, StudyJudge judge)
{
    /// <summary>The demo study's display name.</summary>
    public const string DemoName = "demo study";

    /// <summary>All studies, newest first.</summary>
    public async Task<IReadOnlyList<StudyDto>> ListAsync(CancellationToken ct)
    {
        var studies = new List<StudyDto>();
        foreach (var group in (await MembersAsync(ct)).GroupBy(m => m.Membership.StudyId)) studies.Add(await ToDtoAsync(group.Key, group.ToList(), ct));
        return studies.OrderByDescending(s => s.CreatedAt).ToList();
    }

    /// <summary>The study with its runs in arm order, or null.</summary>
    public async Task<StudyDto?> GetAsync(Guid id, CancellationToken ct)
    {
        var members = (await MembersAsync(ct)).Where(m => m.Membership.StudyId == id).ToList();
        return members.Count == 0 ? null : await ToDtoAsync(id, members, ct);
    }

    private async Task<List<StudyMember>> MembersAsync(CancellationToken ct)
    {
        var members = new List<StudyMember>();
        foreach (var run in await runs.ListAsync(ct))
        {
            if (!run.TagsJson.Contains("study:", StringComparison.Ordinal)) continue; // cheap filter before parsing
            string[] tags;
            try
            {
                tags = JsonSerializer.Deserialize<string[]>(run.TagsJson) ?? [];
            }
            catch (JsonException)
            {
                continue;
            }
            if (StudyTags.Parse(tags) is { } membership) members.Add(new StudyMember(run, membership));
        }

        return members;
    }

    /// <summary>
    /// A study's status from its runs': running while one is pending, queued or training; completed when all completed;
    /// else interrupted, failed or cancelled (the first that some run is, in that order).
    /// </summary>
    public static RunStatus StatusOf(IEnumerable<RunStatus> runs)
    {
        var statuses = runs.ToList();
        if (statuses.Any(s => !s.HasEnded())) return RunStatus.Running;
        foreach (var worst in new[] { RunStatus.Interrupted, RunStatus.Failed, RunStatus.Cancelled })
            if (statuses.Contains(worst)) return worst;
        return RunStatus.Completed;
    }

    private async Task<StudyDto> ToDtoAsync(Guid id, List<StudyMember> members, CancellationToken ct)
    {
        members = members.OrderBy(m => m.Membership.Index).ToList();
        var studyRuns = members.Select(m => StudyRunReader.Read(m.Run, m.Membership)).ToList();
        var targets = await judge.TargetsAsync(id, members, studyRuns, ct);
        return new StudyDto(id, DemoName, StatusOf(studyRuns.Select(r => r.Status)), members.Min(m => m.Run.CreatedAt), studyRuns, targets);
    }
}
