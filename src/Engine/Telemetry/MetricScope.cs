namespace QuantScope.Engine.Telemetry;

/// <summary>What one value of a metric describes.</summary>
public enum MetricScope
{
    /// <summary>One value per step (loss, learning rate, evaluation results).</summary>
    Scalar,

    /// <summary>One value per layer, tensor role and step (a row over layers).</summary>
    PerLayer,
}
