namespace QuantScope.Web.Compare;

/// <summary>One run's curve in an overlay chart: x (step or tokens) and y, same length.</summary>
public sealed record OverlaySeries(string Name, IReadOnlyList<double> X, IReadOnlyList<float> Y);
