namespace QuantScope.Engine.Analysis.Ptq;

/// <summary>Progress of a PTQ analysis.</summary>
/// <param name="Stage"><c>baseline</c>, <c>quantized</c>, <c>sensitivity</c>, <c>tokens</c> or <c>outliers</c>.</param>
/// <param name="Done">Units done in this stage.</param>
/// <param name="Total">Units in this stage.</param>
public sealed record PtqProgress(string Stage, int Done, int Total);
