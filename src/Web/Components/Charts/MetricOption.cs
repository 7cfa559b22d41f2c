namespace QuantScope.Web.Components.Charts;

/// <summary>A metric a picker offers: its stored name and its label with the unit (axis and colour-bar titles).</summary>
public sealed record MetricOption(string Metric, string Label);
