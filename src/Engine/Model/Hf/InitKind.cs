using QuantScope.Engine.Configuration;

namespace QuantScope.Engine.Model.Hf;

/// <summary>Where a run's weights start (<see cref="InitConfig.Kind"/>).</summary>
public enum InitKind
{
    /// <summary>"hf": a local Hugging Face model folder.</summary>
    [WireName("hf")] Hf,
}
