using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Compare;

/// <summary>
/// One row of the runs table (and the head of a compare column): what a run is and, once it ended, what it came to.
/// Read once from the stored run by <see cref="RunOverviews"/>; components only display it.
/// </summary>
/// <param name="Id">The run.</param>
/// <param name="Name">Display name.</param>
/// <param name="Kind">engine, external or imported.</param>
/// <param name="Status">Lifecycle status.</param>
/// <param name="LastStep">Last stored step, -1 before the first.</param>
/// <param name="Steps">Planned steps, 0 when the config does not say.</param>
/// <param name="Model">The model in short (e.g. <c>6L d128 ffn344</c>), "–" when unknown.</param>
/// <param name="Recipe">The effective recipe in short (plan name and formats per role), "–" when unknown.</param>
/// <param name="ApeMeanPct">Mean loss APE against the twin, percent (from the summary).</param>
/// <param name="ApeLastPct">Loss APE over the last K steps, percent.</param>
/// <param name="WorstLayer">The layer with the highest overflow (from the summary).</param>
/// <param name="OverflowMax">Largest overflow fraction (0..1) of any layer and step.</param>
/// <param name="Tags">User tags.</param>
/// <param name="CreatedAt">When the run was created (UTC).</param>
/// <param name="StartedAt">When it started training (UTC).</param>
/// <param name="EndedAt">When it ended (UTC).</param>
public sealed record RunOverview(
    Guid Id, string Name, string Kind, RunStatus Status, int LastStep, int Steps, string Model, string Recipe,
    double? ApeMeanPct, double? ApeLastPct, string? WorstLayer, double? OverflowMax, IReadOnlyList<string> Tags,
    DateTime CreatedAt, DateTime? StartedAt, DateTime? EndedAt)
{
    /// <summary>Progress as "step / steps" (1-based steps done), or the last step alone when the plan is unknown.</summary>
    public string Progress => LastStep < 0 ? "–" : Steps > 0 ? $"{LastStep + 1} / {Steps}" : (LastStep + 1).ToString();

    /// <summary>Percent of planned steps done, 0..100, or null when unknown.</summary>
    public double? ProgressPct => Steps > 0 && LastStep >= 0 ? Math.Min(100, 100.0 * (LastStep + 1) / Steps) : null;

    /// <summary>Wall time from start to end (or now while running), or null before the start.</summary>
    public TimeSpan? Duration(DateTime nowUtc) => StartedAt is { } s ? (EndedAt ?? nowUtc) - s : null;
}
