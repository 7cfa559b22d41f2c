namespace QuantScope.Web.Components.Charts;

/// <summary>A group of a metric picker (an <c>optgroup</c>): its label and the metrics in it.</summary>
public sealed record MetricGroup(string Label, IReadOnlyList<MetricOption> Options);
