namespace QuantScope.Engine.Analysis.Laws;

/// <summary>One observation a scaling law is fitted to.</summary>
/// <param name="N">Model parameters (count, &gt; 0).</param>
/// <param name="D">Training tokens (count, &gt; 0).</param>
/// <param name="G">Quantization group size (&gt;= 2); required for <see cref="LawFamily.ChenQat"/> fits.</param>
/// <param name="P">Post-training precision (bits, &gt; 0); required for <see cref="LawFamily.KumarPtq"/> fits.</param>
/// <param name="Delta">Observed loss gap to the full-precision twin (nats/token, &gt; 0: the fit works on its logarithm).</param>
public sealed record LawPoint(double N, double D, double? G, double? P, double Delta)
{
    /// <summary>The point's inputs without the observation.</summary>
    public LawInput Input => new(N, D, G, P);
}
