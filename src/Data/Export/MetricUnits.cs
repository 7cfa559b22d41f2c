using QuantScope.Engine.Telemetry;

namespace QuantScope.Data.Export;

/// <summary>The unit of each metric (README "Concepts and metrics"), for colour bars and axis labels.</summary>
public static class MetricUnits
{
    private const string Fraction = "fraction";
    private const string XUnits = "x units";

    private static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        [MetricNames.Loss] = "nats/token",
        [MetricNames.LearningRate] = "learning rate",
        [MetricNames.StepMillis] = "ms",
        [MetricNames.Tokens] = "tokens",
        [MetricNames.BaselineLoss] = "nats/token",
        [MetricNames.LossApe] = "%",
        [MetricNames.PretrainLoss] = "nats/token",
        [MetricNames.HeldOutLoss] = "nats/token",
        [MetricNames.BaselineHeldOutLoss] = "nats/token",
        [MetricNames.ProbeAccuracy] = Fraction,
        [MetricNames.BaselineProbeAccuracy] = Fraction,
        [MetricNames.Amax] = XUnits,
        [MetricNames.AmaxPred] = XUnits,
        [MetricNames.AmaxRatio] = "amax / amaxPred",
        [MetricNames.Scale] = "scale factor",
        [MetricNames.SaturationEvent] = "0 or 1",
        [MetricNames.SaturationRate] = Fraction,
        [MetricNames.OverflowFraction] = Fraction,
        [MetricNames.UnderflowFraction] = Fraction,
        [MetricNames.Mse] = "x² units",
        [MetricNames.SqnrDb] = "dB",
        [MetricNames.Hif8Tier3Bit] = Fraction,
        [MetricNames.Hif8Tier2Bit] = Fraction,
        [MetricNames.Hif8Tier1Bit] = Fraction,
        [MetricNames.Hif8Tier0Bit] = Fraction,
        [MetricNames.Kurtosis] = "kurtosis (3 = normal)",
        [MetricNames.ChannelRatio] = "max / median channel absmax",
        [MetricNames.ErrorWeightOnly] = "relative error",
        [MetricNames.ErrorInputOnly] = "relative error",
        [MetricNames.ErrorBoth] = "relative error",
        [MetricNames.WeightNorm] = "Frobenius norm",
        [MetricNames.GradNorm] = "Frobenius norm",
    };

    /// <summary>
    /// The unit of <paramref name="metric"/>; <c>whatIf.FORMAT.m</c> takes m's unit, task accuracies are fractions,
    /// and an unknown metric is labelled with its own name.
    /// </summary>
    public static string Of(string metric)
    {
        if (Units.TryGetValue(metric, out var unit)) return unit;
        if (metric.StartsWith("whatIf.", StringComparison.Ordinal))
        {
            var last = metric.LastIndexOf('.');
            if (last > 0 && Units.TryGetValue(metric[(last + 1)..], out var inner)) return inner;
        }
        if (metric.StartsWith(MetricNames.TaskPrefix, StringComparison.Ordinal)
            || metric.StartsWith("baseline_" + MetricNames.TaskPrefix, StringComparison.Ordinal)) return Fraction;
        return metric;
    }
}
