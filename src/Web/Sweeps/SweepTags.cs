using QuantScope.Engine.Training.Sweeps;

namespace QuantScope.Web.Sweeps;

/// <summary>
/// Sweep membership lives in run tags (no table of its own): <c>sweep:{id}</c>, <c>sweep-name:{name}</c>,
/// <c>sweep-index:{i}</c> and one <c>grid:{field}={json}</c> per swept field, so a sweep survives restarts and its runs
/// stay ordinary runs (filterable, comparable, deletable).
/// </summary>
public static class SweepTags
{
    private const string Sweep = "sweep:";
    private const string Name = "sweep-name:";
    private const string Index = "sweep-index:";
    private const string Grid = "grid:";

    /// <summary>The tags of run <paramref name="index"/> of sweep <paramref name="sweepId"/>.</summary>
    public static string[] For(Guid sweepId, string name, int index, IReadOnlyList<SweepSetting> settings) =>
        [Of(sweepId), Name + name, Index + index.ToString(System.Globalization.CultureInfo.InvariantCulture), .. settings.Select(s => $"{Grid}{s.Field}={s.Json}")];

    /// <summary>The membership tag of a sweep.</summary>
    public static string Of(Guid sweepId) => Sweep + sweepId.ToString("D");

    /// <summary>The sweep a run belongs to, its name, index and grid values; null when the tags name no sweep.</summary>
    public static SweepMembership? Parse(IReadOnlyList<string> tags)
    {
        Guid? id = null;
        string name = "";
        var index = 0;
        var settings = new List<SweepSetting>();
        foreach (var tag in tags)
        {
            if (tag.StartsWith(Sweep, StringComparison.Ordinal) && Guid.TryParse(tag[Sweep.Length..], out var g)) id = g;
            else if (tag.StartsWith(Name, StringComparison.Ordinal)) name = tag[Name.Length..];
            else if (tag.StartsWith(Index, StringComparison.Ordinal) && int.TryParse(tag[Index.Length..], out var i)) index = i;
            else if (tag.StartsWith(Grid, StringComparison.Ordinal) && tag.IndexOf('=', Grid.Length) is var eq and > 0)
                settings.Add(new SweepSetting(tag[Grid.Length..eq], tag[(eq + 1)..]));
        }

        return id is { } sweepId ? new SweepMembership(sweepId, name, index, settings) : null;
    }
}
