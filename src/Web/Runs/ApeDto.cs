namespace QuantScope.Web.Runs;

/// <summary>Mean APE over all common steps and over the last K, percent, and how many common steps there were.</summary>
public sealed record ApeDto(double MeanPct, double LastPct, int Steps);
