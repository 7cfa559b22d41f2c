using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Compare;

/// <summary>
/// What differs between runs: config fields (flattened to dotted paths) and effective-plan entries (layer + role →
/// format and recipe), so a silently ignored group size or an unexpectedly quantized layer shows up. Equal fields are
/// left out.
/// </summary>
public static class ConfigDiff
{
    /// <summary>Prefix of effective-plan rows.</summary>
    public const string PlanPrefix = "plan: ";

    /// <summary>The differing config fields, then the differing plan entries, of <paramref name="runs"/> in order.</summary>
    public static IReadOnlyList<ConfigDiffRow> Diff(IReadOnlyList<RunEntity> runs) =>
        Configs(runs.Select(r => r.ConfigJson).ToList())
            .Concat(Plans(runs.Select(r => RunOverviews.ReadPlan(r.PlanJson)?.Entries).ToList()))
            .ToList();

    /// <summary>Config fields whose values are not all equal (a field absent from some run counts as differing).</summary>
    public static IReadOnlyList<ConfigDiffRow> Configs(IReadOnlyList<string?> configs)
    {
        var flat = configs.Select(ConfigFlattener.Flatten).ToList();
        return Differing(flat, isPlan: false);
    }

    /// <summary>
    /// Plan entries (keyed <c>plan: LAYER ROLE</c>, valued <c>FORMAT RECIPE</c> plus any note) that differ; a run without
    /// a plan (external, imported) takes no part.
    /// </summary>
    public static IReadOnlyList<ConfigDiffRow> Plans(IReadOnlyList<IReadOnlyList<PlanEntry>?> plans)
    {
        if (plans.Count(p => p is not null) < 2) return [];
        var flat = plans.Select(p => p is null ? null : (IReadOnlyDictionary<string, string>)p
                .GroupBy(e => $"{PlanPrefix}{e.Layer} {e.Role}")
                .ToDictionary(g => g.Key, g => Describe(g.Last()), StringComparer.Ordinal))
            .ToList();
        return Differing(flat, isPlan: true);
    }

    /// <summary>An entry as shown: <c>e4m3 delayed(h=16,max,margin=0)</c>, with its note in parentheses.</summary>
    public static string Describe(PlanEntry e) => $"{e.Format} {e.Recipe}" + (e.Note is null ? "" : $" ({e.Note})");

    private static List<ConfigDiffRow> Differing(IReadOnlyList<IReadOnlyDictionary<string, string>?> flat, bool isPlan)
    {
        var keys = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in flat.Where(f => f is not null).SelectMany(f => f!.Keys))
        {
            if (seen.Add(key)) keys.Add(key);
        }
        if (!isPlan) keys.Sort(StringComparer.Ordinal);

        var rows = new List<ConfigDiffRow>();
        foreach (var key in keys)
        {
            var values = flat.Select(f => f is not null && f.TryGetValue(key, out var v) ? v : null).ToList();
            var considered = flat.Select((f, i) => (f, v: values[i])).Where(x => x.f is not null).Select(x => x.v).ToList();
            if (considered.Distinct(StringComparer.Ordinal).Count() > 1) rows.Add(new ConfigDiffRow(key, values, isPlan));
        }
        return rows;
    }
}
