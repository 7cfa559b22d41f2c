using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using QuantScope.Engine.Configuration;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Training.Sweeps;

/// <summary>
/// Expands a <see cref="SweepConfig"/> into the cartesian product of its grid (the last field varies fastest): each
/// run's JSON is the base with the grid's values set at their dotted paths, read and validated (once, by
/// <see cref="ConfigValidator"/>) by the caller's config reader. Errors name the grid field and value that caused them
/// (<c>grid.weightDecay</c>: <c>value -1: weightDecay must be between 0 and 10</c>), the base field that is wrong in every
/// run (<c>base.steps</c>), or, for a problem only some combinations have, <c>grid</c> with the combination.
/// </summary>
public static partial class SweepExpander
{
    /// <summary>Expands and validates every run of <paramref name="sweep"/>.</summary>
    /// <param name="sweep">The sweep.</param>
    /// <param name="read">
    /// Turns one run's config JSON into a validated config or errors named by JSON path (the API's config reader, which
    /// resolves relative paths against the sweep's folder).
    /// </param>
    public static SweepExpansion Expand(SweepConfig sweep, Func<string, ValidationResult<ValidTrainConfig>> read)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(read);
        var errors = CheckGrid(sweep);
        if (errors.Count > 0) return new SweepExpansion([], errors);

        var total = (int)sweep.RunCount;
        var points = new List<SweepPoint>(total);
        var related = new List<ConfigError>();
        var unrelated = new Dictionary<(string Field, string Message), (int Count, IReadOnlyList<SweepSetting> First)>();
        for (var i = 0; i < total; i++)
        {
            var settings = SettingsOf(sweep.Grid, i);
            var (json, pathError) = Compose(sweep, settings);
            if (pathError is not null)
            {
                related.Add(pathError);
                continue;
            }

            var (config, runErrors) = read(json.ToJsonString());
            foreach (var error in runErrors)
            {
                var setting = settings.FirstOrDefault(s => Related(s.Field, error.Field));
                if (setting is not null)
                {
                    related.Add(new ConfigError($"grid.{setting.Field}", $"value {setting.Display}: {error.Field} {error.Message}"));
                }
                else
                {
                    var key = (error.Field, error.Message);
                    unrelated[key] = unrelated.TryGetValue(key, out var seen) ? (seen.Count + 1, seen.First) : (1, settings);
                }
            }

            if (config is not null && runErrors.Count == 0) points.Add(new SweepPoint(i, settings, config));
        }

        errors.AddRange(related.Distinct());
        foreach (var ((field, message), (count, first)) in unrelated)
        {
            // Wrong in every run: the base's fault. Wrong in some: the combination's.
            errors.Add(count == total
                ? new ConfigError($"base.{field}", message)
                : new ConfigError("grid", $"{field} {message} (with {string.Join(", ", first)})"));
        }

        return errors.Count > 0 ? new SweepExpansion([], errors) : new SweepExpansion(points, []);
    }

    /// <summary>The grid values of run <paramref name="index"/> (mixed radix, the last axis fastest).</summary>
    public static IReadOnlyList<SweepSetting> SettingsOf(IReadOnlyList<SweepAxis> grid, int index)
    {
        var settings = new SweepSetting[grid.Count];
        for (var a = grid.Count - 1; a >= 0; a--)
        {
            var values = grid[a].Values;
            settings[a] = SweepSetting.Of(grid[a].Field, values[index % values.Count]);
            index /= values.Count;
        }

        return settings;
    }

    private static List<ConfigError> CheckGrid(SweepConfig sweep)
    {
        var errors = new List<ConfigError>();
        if (string.IsNullOrWhiteSpace(sweep.Name) || sweep.Name.Length > 100) errors.Add(new ConfigError("name", "must be 1 to 100 characters"));
        if (sweep.Workers is < 1 or > 64) errors.Add(new ConfigError("workers", "must be between 1 and 64"));
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var axis in sweep.Grid)
        {
            if (!PathPattern().IsMatch(axis.Field ?? ""))
                errors.Add(new ConfigError($"grid.{axis.Field}", "is not a dotted config path (e.g. weightDecay, quant.preset, model.dModel)"));
            else if (!seen.Add(axis.Field!))
                errors.Add(new ConfigError($"grid.{axis.Field}", "is swept twice"));
            if (axis.Values is not { Count: > 0 }) errors.Add(new ConfigError($"grid.{axis.Field}", "must list at least one value"));
        }

        if (errors.Count == 0 && sweep.RunCount > SweepConfig.MaxRuns)
            errors.Add(new ConfigError("grid", $"expands to {sweep.RunCount} runs; at most {SweepConfig.MaxRuns} are allowed"));
        return errors;
    }

    /// <summary>The base with <paramref name="settings"/> applied and a run name, or the error of a path that cannot be set.</summary>
    private static (JsonObject Json, ConfigError? Error) Compose(SweepConfig sweep, IReadOnlyList<SweepSetting> settings)
    {
        var root = (JsonObject)sweep.Base.DeepClone();
        foreach (var setting in settings)
        {
            var problem = SweepPaths.TrySet(root, setting.Field, JsonNode.Parse(setting.Json));
            if (problem is not null) return (root, new ConfigError($"grid.{setting.Field}", problem));
        }

        if (!settings.Any(s => s.Field.Equals("name", StringComparison.OrdinalIgnoreCase)))
        {
            var name = settings.Count == 0 ? sweep.Name : $"{sweep.Name} {string.Join(" ", settings)}";
            SweepPaths.TrySet(root, "name", JsonValue.Create(name.Length <= 200 ? name : name[..200]));
        }

        return (root, null);
    }

    // grid "model.dModel" explains errors on "model.dModel"; grid "quant" explains "quant.preset"; grid
    // "quant.preset" explains "quant" (a whole-object error).
    private static bool Related(string gridField, string errorField) =>
        errorField.Equals(gridField, StringComparison.OrdinalIgnoreCase)
        || errorField.StartsWith(gridField + ".", StringComparison.OrdinalIgnoreCase)
        || errorField.StartsWith(gridField + "[", StringComparison.OrdinalIgnoreCase)
        || gridField.StartsWith(errorField + ".", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$")]
    private static partial Regex PathPattern();
}
