using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Sweeps;

/// <summary>One run of a sweep: its grid values, status and summary metrics.</summary>
/// <param name="Id">The run (its page is <c>/runs/{id}</c>).</param>
/// <param name="Index">Position in the grid product.</param>
/// <param name="Name">Run name.</param>
/// <param name="Grid">Grid values by field (JSON values: numbers stay numbers).</param>
/// <param name="Status">The run's status.</param>
/// <param name="Error">Why it failed, if it did.</param>
/// <param name="Metrics">Summary metrics.</param>
public sealed record SweepRunDto(
    Guid Id, int Index, string Name, IReadOnlyDictionary<string, System.Text.Json.JsonElement> Grid, RunStatus Status, string? Error, SweepMetricsDto Metrics);
