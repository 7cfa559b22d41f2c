namespace QuantScope.Engine.Telemetry;

/// <summary>Everything the engine, the store and the dashboard know about one metric (see <see cref="MetricCatalog"/>).</summary>
/// <param name="Name">The stored name (for a family, such as task accuracies, the name that was looked up).</param>
/// <param name="Unit">Unit, for colour bars, axis titles, exports and README's table.</param>
/// <param name="Label">Label with the unit, for pickers and chart titles.</param>
/// <param name="Scope">One value per step, or one per layer, role and step.</param>
/// <param name="Roles">The tensor roles it is measured on (<see cref="TensorRoles"/>); empty for a scalar.</param>
/// <param name="Better">Which way it improves.</param>
/// <param name="Aggregation">What a heatmap bucket keeps of its steps (the worst value).</param>
/// <param name="ColorScale">The colour scale of its heatmap.</param>
/// <param name="Offered">Whether the dashboard's pickers offer it (heatmaps for per-layer metrics, curves for scalars).</param>
public sealed record MetricInfo(
    string Name,
    string Unit,
    string Label,
    MetricScope Scope,
    IReadOnlyList<string> Roles,
    BetterDirection Better,
    BucketAggregation Aggregation,
    ColorScale ColorScale,
    bool Offered);
