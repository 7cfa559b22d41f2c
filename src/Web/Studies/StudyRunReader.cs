using System.Text.Json;
using QuantScope.Data.Runs;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Studies;

/// <summary>Reads a stored study run (its entity, summary and config) into a <see cref="StudyRunDto"/>.</summary>
public static class StudyRunReader
{
    private static readonly IReadOnlyDictionary<string, StudyArm> Arms = DemoStudy.Arms(quick: false).ToDictionary(a => a.Key);

    /// <summary>The run with its arm's label and expectation (the run's name when the arm is not a known one).</summary>
    public static StudyRunDto Read(RunEntity run, StudyMembership membership)
    {
        var summary = Parse<RunSummary>(run.SummaryJson);
        var steps = Parse<TrainConfig>(run.ConfigJson)?.Steps ?? 0;
        var (label, expect) = Arms.TryGetValue(membership.Arm, out var arm) ? (arm.Label, arm.Expect) : (run.Name, "");
        var forgetting = summary?.Forgetting;
        return new StudyRunDto(
            run.Id, membership.Index, membership.Arm, label, expect, run.Name, run.Status, run.Error, run.LastStep, steps,
            summary?.LossApe?.MeanPct, summary?.LossApe?.LastPct, summary?.Saturation?.StepRate, summary?.Saturation?.OverflowFractionMax,
            summary?.Saturation?.WorstLayer, forgetting?.HeldOutLossStart, forgetting?.HeldOutLossEnd,
            forgetting?.ProbeAccuracyStart, forgetting?.ProbeAccuracyEnd, Tasks(summary, run.SummaryJson));
    }

    private static List<StudyTaskDto> Tasks(RunSummary? summary, string? json)
    {
        if (summary?.Tasks is not { Count: > 0 } tasks) return [];
        var errors = StandardErrors(json);
        return tasks.Select((t, i) => new StudyTaskDto(t.Name, t.Acc, t.BaselineAcc, t.RelativeDropPct, i < errors.Count ? errors[i] : null)).ToList();
    }

    /// <summary>
    /// The standard error of each task's drop, percent, in task order (null where the summary has none): read from the
    /// summary's JSON by name, since summaries stored before the engine wrote it have none. A task property counts when
    /// its name says standard error (<c>...StandardError...</c>, <c>...StdErr...</c>, <c>...SePct</c>, <c>...DropSe</c>).
    /// </summary>
    public static IReadOnlyList<double?> StandardErrors(string? summaryJson)
    {
        if (string.IsNullOrEmpty(summaryJson)) return [];
        try
        {
            using var doc = JsonDocument.Parse(summaryJson);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("tasks", out var tasks) || tasks.ValueKind != JsonValueKind.Array) return [];
            return tasks.EnumerateArray().Select(StandardError).ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static double? StandardError(JsonElement task)
    {
        if (task.ValueKind != JsonValueKind.Object) return null;
        foreach (var p in task.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Number && IsStandardError(p.Name) && p.Value.TryGetDouble(out var v) && double.IsFinite(v)) return v;
        }
        return null;
    }

    private static bool IsStandardError(string name) =>
        name.Contains("standarderror", StringComparison.OrdinalIgnoreCase) || name.Contains("stderr", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith("SePct", StringComparison.OrdinalIgnoreCase) || name.EndsWith("DropSe", StringComparison.OrdinalIgnoreCase);

    private static T? Parse<T>(string? json) where T : class
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(json, JsonDefaults.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
