namespace QuantScope.Engine.Analysis.Ptq;

/// <summary>PTQ degradation of one checkpoint of a run, for the degradation-against-tokens-seen curve.</summary>
/// <param name="Step">Main steps trained.</param>
/// <param name="TokensSeen">Training tokens seen (pretraining included).</param>
/// <param name="BaselineLoss">Unquantized held-out loss, nats per token.</param>
/// <param name="QuantizedLoss">Held-out loss under the plan, nats per token.</param>
/// <param name="Delta">QuantizedLoss - BaselineLoss.</param>
public sealed record TokenCurvePoint(int Step, long TokensSeen, double BaselineLoss, double QuantizedLoss, double Delta);
