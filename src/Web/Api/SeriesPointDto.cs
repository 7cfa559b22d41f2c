namespace QuantScope.Web.Api;

/// <summary>One point of a series: the step and its value (NaN/Infinity as strings).</summary>
public sealed record SeriesPointDto(int Step, float Value);
