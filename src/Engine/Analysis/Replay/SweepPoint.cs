using QuantScope.Engine.Quantization;

namespace QuantScope.Engine.Analysis.Replay;

/// <summary>One cell of a replay sweep: one tensor under one (algorithm, history length).</summary>
/// <param name="Algorithm">Amax algorithm.</param>
/// <param name="HistoryLength">H, steps.</param>
/// <param name="Events">Saturation events (amax &gt; amaxPred).</param>
/// <param name="Measured">Replayed steps.</param>
/// <param name="SaturationRate">Events / measured (0..1), NaN when nothing was measured.</param>
/// <param name="MeanExpectedOverflow">Mean expected overflow (see <see cref="ReplayPoint.ExpectedOverflow"/>).</param>
public sealed record SweepPoint(AmaxAlgorithm Algorithm, int HistoryLength, int Events, int Measured, double SaturationRate, double MeanExpectedOverflow);
