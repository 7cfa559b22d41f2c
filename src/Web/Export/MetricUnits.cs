using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Export;

/// <summary>The unit of each metric (README "Concepts and metrics"), for colour bars and axis labels.</summary>
public static class MetricUnits
{
    private const string Fraction = "fraction";
    private const string XUnits = "x units";

    private static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        [MetricCatalog.Loss] = "nats/token",
        [MetricCatalog.LearningRate] = "learning rate",
        [MetricCatalog.StepMillis] = "ms",
        [MetricCatalog.Tokens] = "tokens",
        [MetricCatalog.BaselineLoss] = "nats/token",
        [MetricCatalog.LossApe] = "%",
        [MetricCatalog.PretrainLoss] = "nats/token",
        [MetricCatalog.HeldOutLoss] = "nats/token",
        [MetricCatalog.BaselineHeldOutLoss] = "nats/token",
        [MetricCatalog.ProbeAccuracy] = Fraction,
        [MetricCatalog.BaselineProbeAccuracy] = Fraction,
        [MetricCatalog.Amax] = XUnits,
        [MetricCatalog.AmaxPred] = XUnits,
        [MetricCatalog.AmaxRatio] = "amax / amaxPred",
        [MetricCatalog.Scale] = "scale factor",
        [MetricCatalog.SaturationEvent] = "0 or 1",
        [MetricCatalog.SaturationRate] = Fraction,
        [MetricCatalog.OverflowFraction] = Fraction,
        [MetricCatalog.UnderflowFraction] = Fraction,
        [MetricCatalog.Mse] = "x² units",
        [MetricCatalog.SqnrDb] = "dB",
        [MetricCatalog.Hif8Tier3Bit] = Fraction,
        [MetricCatalog.Hif8Tier2Bit] = Fraction,
        [MetricCatalog.Hif8Tier1Bit] = Fraction,
        [MetricCatalog.Hif8Tier0Bit] = Fraction,
        [MetricCatalog.Kurtosis] = "kurtosis (3 = normal)",
        [MetricCatalog.ChannelRatio] = "max / median channel absmax",
        [MetricCatalog.ErrorWeightOnly] = "relative error",
        [MetricCatalog.ErrorInputOnly] = "relative error",
        [MetricCatalog.ErrorBoth] = "relative error",
        [MetricCatalog.WeightNorm] = "Frobenius norm",
        [MetricCatalog.GradNorm] = "Frobenius norm",
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
        if (metric.StartsWith(MetricCatalog.TaskPrefix, StringComparison.Ordinal)
            || metric.StartsWith("baseline_" + MetricCatalog.TaskPrefix, StringComparison.Ordinal)) return Fraction;
        return metric;
    }
}
