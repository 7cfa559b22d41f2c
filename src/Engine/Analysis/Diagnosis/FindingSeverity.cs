namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>How much a finding matters, in ascending order.</summary>
public enum FindingSeverity
{
    /// <summary>Worth knowing; nothing is broken.</summary>
    Info,
    /// <summary>Hurts accuracy or stability; fix before trusting the run.</summary>
    Warning,
    /// <summary>The run is broken (diverged, non-finite, nothing quantized).</summary>
    Critical,
}
