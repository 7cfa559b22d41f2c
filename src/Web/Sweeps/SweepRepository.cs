using System.Text.Json;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Sweeps;

/// <summary>Sweeps as their runs' tags describe them (<see cref="SweepTags"/>), with the live state of the runner (none in the CLI).</summary>
public sealed class SweepRepository(RunRepository runs, SweepRunner? runner = null)
{
    /// <summary>All sweeps, newest first, without their runs.</summary>
    public async Task<IReadOnlyList<SweepDto>> ListAsync(CancellationToken ct)
    {
        var members = await MembersAsync(ct);
        return members.GroupBy(m => m.Membership.SweepId)
            .Select(g => ToDto(g.Key, g.ToList(), withRuns: false))
            .OrderByDescending(s => s.CreatedAt).ToList();
    }

    /// <summary>The sweep with its runs in grid order, or null.</summary>
    public async Task<SweepDto?> GetAsync(Guid id, CancellationToken ct)
    {
        var members = (await MembersAsync(ct)).Where(m => m.Membership.SweepId == id).ToList();
        return members.Count == 0 ? null : ToDto(id, members, withRuns: true);
    }

    private async Task<List<(RunEntity Run, SweepMembership Membership)>> MembersAsync(CancellationToken ct)
    {
        var all = await runs.ListAsync(ct);
        var members = new List<(RunEntity, SweepMembership)>();
        foreach (var run in all)
        {
            if (!run.TagsJson.Contains("sweep:", StringComparison.Ordinal)) continue; // cheap filter before parsing
            var tags = JsonSerializer.Deserialize<string[]>(run.TagsJson) ?? [];
            if (SweepTags.Parse(tags) is { } membership) members.Add((run, membership));
        }

        return members;
    }

    private SweepDto ToDto(Guid id, List<(RunEntity Run, SweepMembership Membership)> members, bool withRuns)
    {
        members.Sort((a, b) => a.Membership.Index.CompareTo(b.Membership.Index));
        var statuses = members.Select(m => m.Run.Status).ToList();
        var status = runner?.StateOf(id) ?? Derive(statuses);
        var runsDto = withRuns ? members.Select(m => ToRun(m.Run, m.Membership)).ToList() : null;
        return new SweepDto(id, members[0].Membership.Name, status, members[0].Membership.Settings.Select(s => s.Field).ToList(),
            members.Count, statuses.Count(s => s == RunStatus.Completed), statuses.Count(s => s == RunStatus.Failed),
            members.Min(m => m.Run.CreatedAt), runsDto);
    }

    // After a restart (the runner forgot the sweep): what its runs say.
    private static RunStatus Derive(List<RunStatus> statuses)
    {
        if (statuses.Contains(RunStatus.Cancelled)) return RunStatus.Cancelled;
        if (statuses.Any(s => !s.HasEnded() || s == RunStatus.Interrupted)) return RunStatus.Interrupted;
        return RunStatus.Completed;
    }

    private static SweepRunDto ToRun(RunEntity run, SweepMembership membership)
    {
        var grid = new Dictionary<string, JsonElement>();
        foreach (var setting in membership.Settings)
        {
            try
            {
                using var doc = JsonDocument.Parse(setting.Json);
                grid[setting.Field] = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                // A tag edited by hand: show its text as it is.
                grid[setting.Field] = JsonSerializer.SerializeToElement(setting.Json);
            }
        }

        return new SweepRunDto(run.Id, membership.Index, run.Name, grid, run.Status, run.Error, SweepMetricsReader.Read(run));
    }
}
