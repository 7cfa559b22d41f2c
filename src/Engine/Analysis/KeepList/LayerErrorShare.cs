namespace QuantScope.Engine.Analysis.KeepList;

/// <summary>One quantized layer's part of a run's predicted error (see <see cref="KeepListRecommender"/>).</summary>
/// <param name="Layer">Full module name.</param>
/// <param name="Contribution">What quantizing it adds to the predicted error: a relative output error ‖ΔY‖/‖Y‖, or a
/// held-out loss increase in nats per token when the source is PTQ sensitivity.</param>
/// <param name="Source">Where the number comes from: <c>errorBoth</c> (mean measured error split), <c>sqnr</c> (from the
/// input's and weight's mean SQNR) or <c>ptq</c> (loss increase with that layer alone quantized).</param>
/// <param name="Kept">True when the recommendation keeps it in high precision.</param>
public sealed record LayerErrorShare(string Layer, double Contribution, string Source, bool Kept);
