namespace QuantScope.Engine.Analysis.Laws;

/// <summary>Where to evaluate a scaling law.</summary>
/// <param name="N">Model parameters (count, &gt; 0).</param>
/// <param name="D">Training tokens (count, &gt; 0).</param>
/// <param name="G">Quantization group size (elements per scale, &gt;= 2); required by <see cref="LawFamily.ChenQat"/>, ignored otherwise.</param>
/// <param name="P">Post-training precision (bits, &gt; 0); required by <see cref="LawFamily.KumarPtq"/>, ignored otherwise.</param>
public sealed record LawInput(double N, double D, double? G = null, double? P = null);
