using System.Text.Json;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Runs;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Compare;

/// <summary>Reads <see cref="RunOverview"/> rows out of stored runs and filters them; tolerant of every kind of run.</summary>
public static class RunOverviews
{
    /// <summary>Shown where a run does not say.</summary>
    public const string Missing = "–";

    /// <summary>The overview of a stored run.</summary>
    public static RunOverview From(RunEntity run)
    {
        var summary = ReadSummary(run.SummaryJson);
        return new RunOverview(
            run.Id, run.Name, run.Kind, run.Status, run.LastStep, RunConfigSummary.Steps(run.ConfigJson),
            Model(run.ConfigJson), Recipe(run.PlanJson),
            summary?.LossApe?.MeanPct, summary?.LossApe?.LastPct, summary?.Saturation?.WorstLayer,
            summary?.Saturation?.OverflowFractionMax, Tags(run.TagsJson), run.CreatedAt, run.StartedAt, run.EndedAt);
    }

    /// <summary>
    /// Rows whose name, id, model, recipe or a tag contains <paramref name="search"/> (case-insensitive), with the given
    /// status and kind (null or empty = any).
    /// </summary>
    public static IReadOnlyList<RunOverview> Filter(IEnumerable<RunOverview> rows, string? search, string? status, string? kind)
    {
        var text = search?.Trim() ?? "";
        return rows.Where(r =>
                (string.IsNullOrEmpty(status) || string.Equals(r.Status.ToString(), status, StringComparison.OrdinalIgnoreCase))
                && (string.IsNullOrEmpty(kind) || string.Equals(r.Kind, kind, StringComparison.OrdinalIgnoreCase))
                && (text.Length == 0 || Matches(r, text)))
            .ToList();
    }

    private static bool Matches(RunOverview r, string text) =>
        new[] { r.Name, r.Id.ToString(), r.Model, r.Recipe, r.WorstLayer ?? "" }.Concat(r.Tags)
            .Any(s => s.Contains(text, StringComparison.OrdinalIgnoreCase));

    /// <summary>The stored summary, or null when absent or unreadable.</summary>
    public static RunSummary? ReadSummary(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            return JsonSerializer.Deserialize<RunSummary>(json, JsonDefaults.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The stored effective plan, or null when the run has none (external and imported runs).</summary>
    public static EffectivePlanDto? ReadPlan(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            var plan = JsonSerializer.Deserialize<EffectivePlanDto>(json, JsonDefaults.Options);
            return plan?.Entries is null ? null : plan;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The model in short: a preset name, or layers, width and FFN width of a model object.</summary>
    public static string Model(string? configJson)
    {
        using var doc = Parse(configJson);
        if (doc is null || !doc.RootElement.TryGetProperty("model", out var model)) return Missing;
        if (model.ValueKind == JsonValueKind.String) return model.GetString() ?? Missing;
        if (model.ValueKind != JsonValueKind.Object) return Missing;
        var parts = new List<string>();
        if (Int(model, "layers") is { } layers) parts.Add($"{layers}L");
        if (Int(model, "dModel") is { } width) parts.Add($"d{width}");
        if (Int(model, "ffnDim") is { } ffn) parts.Add($"ffn{ffn}");
        return parts.Count == 0 ? Missing : string.Join(' ', parts);
    }

    /// <summary>The effective recipe in short: the plan's name, then each role's formats, e.g. <c>fp8 · input e4m3 · grad e5m2</c>.</summary>
    public static string Recipe(string? planJson)
    {
        var plan = ReadPlan(planJson);
        if (plan is null) return Missing;
        var roles = plan.Entries.GroupBy(e => e.Role)
            .OrderBy(g => RoleOrder(g.Key))
            .Select(g => $"{g.Key} {string.Join('/', g.Select(e => e.Format).Distinct())}");
        return string.Join(" · ", new[] { plan.Name }.Concat(roles).Where(s => !string.IsNullOrEmpty(s)));
    }

    private static int RoleOrder(string role)
    {
        var index = TensorRoles.All.ToList().IndexOf(role);
        return index < 0 ? int.MaxValue : index;
    }

    private static IReadOnlyList<string> Tags(string? json)
    {
        try
        {
            return string.IsNullOrWhiteSpace(json) ? [] : JsonSerializer.Deserialize<string[]>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null;

    private static JsonDocument? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind == JsonValueKind.Object) return doc;
            doc.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
