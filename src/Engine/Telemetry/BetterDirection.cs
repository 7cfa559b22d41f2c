namespace QuantScope.Engine.Telemetry;

/// <summary>Which way a metric improves.</summary>
public enum BetterDirection
{
    /// <summary>Neither: a range, a scale or a count (amax, learning rate, tokens).</summary>
    Neither,

    /// <summary>Lower is better (loss, overflow, error).</summary>
    Lower,

    /// <summary>Higher is better (SQNR, accuracy).</summary>
    Higher,
}
