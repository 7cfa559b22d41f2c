namespace QuantScope.Web.Sweeps;

/// <summary>
/// A sweep run's summary metrics (null when the run has not got that far or the metric does not apply).
/// </summary>
/// <param name="FinalLoss">Loss of the last step, nats/token.</param>
/// <param name="TwinLoss">The BF16 twin's final loss (needs <c>baseline: true</c>).</param>
/// <param name="Delta">FinalLoss − TwinLoss: the QAT loss gap the Chen law models.</param>
/// <param name="LossApeMeanPct">Mean loss APE against the twin over all steps, percent.</param>
/// <param name="LossApeLastPct">Mean loss APE over the last K steps, percent.</param>
/// <param name="HeldOutLossRise">Forgetting: held-out pretraining loss at the end minus at the start (needs evaluation).</param>
/// <param name="ProbeAccuracyDrop">Forgetting: probe accuracy at the start minus at the end.</param>
/// <param name="TaskDropPct">Mean relative task accuracy drop against the twin, percent.</param>
/// <param name="Parameters">N: trainable parameters of the model.</param>
/// <param name="Tokens">D: main-phase training tokens = steps · batch size · sequence length.</param>
/// <param name="GroupSize">G: the group size of the run's per-group INT weight format, from its effective plan.</param>
/// <param name="Bits">P: the width of the run's INT weight format, bits.</param>
public sealed record SweepMetricsDto(
    double? FinalLoss, double? TwinLoss, double? Delta, double? LossApeMeanPct, double? LossApeLastPct,
    double? HeldOutLossRise, double? ProbeAccuracyDrop, double? TaskDropPct,
    long? Parameters, long? Tokens, int? GroupSize, int? Bits)
{
    /// <summary>The metric names a chart can plot, in display order (camelCase, as on the wire).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "finalLoss", "twinLoss", "delta", "lossApeMeanPct", "lossApeLastPct", "heldOutLossRise", "probeAccuracyDrop",
        "taskDropPct", "parameters", "tokens", "groupSize", "bits",
    ];

    /// <summary>The value of metric <paramref name="name"/> (one of <see cref="Names"/>), or null.</summary>
    public double? Get(string name) => name switch
    {
        "finalLoss" => FinalLoss,
        "twinLoss" => TwinLoss,
        "delta" => Delta,
        "lossApeMeanPct" => LossApeMeanPct,
        "lossApeLastPct" => LossApeLastPct,
        "heldOutLossRise" => HeldOutLossRise,
        "probeAccuracyDrop" => ProbeAccuracyDrop,
        "taskDropPct" => TaskDropPct,
        "parameters" => Parameters,
        "tokens" => Tokens,
        "groupSize" => GroupSize,
        "bits" => Bits,
        _ => null,
    };
}
