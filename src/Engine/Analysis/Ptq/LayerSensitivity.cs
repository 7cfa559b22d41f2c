namespace QuantScope.Engine.Analysis.Ptq;

/// <summary>Damage of quantizing one layer alone (every other layer in high precision).</summary>
/// <param name="Layer">Full module name.</param>
/// <param name="Loss">Held-out loss with only this layer quantized, nats per token.</param>
/// <param name="Delta">Loss minus the unquantized checkpoint's loss, nats per token (can be slightly negative).</param>
/// <param name="Rank">1 = most damaging.</param>
public sealed record LayerSensitivity(string Layer, double Loss, double Delta, int Rank);
