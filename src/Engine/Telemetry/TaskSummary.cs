namespace QuantScope.Engine.Telemetry;

/// <summary>One task at the end: accuracy, length-normalised accuracy, the twin's accuracy and (base - quant) / base in percent.</summary>
public sealed record TaskSummary(string Name, double Acc, double AccNorm, double? BaselineAcc, double? RelativeDropPct);
