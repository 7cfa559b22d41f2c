using QuantScope.Engine.Configuration;

namespace QuantScope.Engine.Quantization;

/// <summary>How the amax prediction is taken from the amax history (TE's <c>amax_compute_algo</c>; wire names as in TE).</summary>
public enum AmaxAlgorithm
{
    /// <summary>Maximum over the whole history window ("max", TE's default): robust to one quiet step.</summary>
    [WireName("max")] Max,
    /// <summary>The most recent amax only ("most_recent"): reacts fastest, no memory of spikes.</summary>
    [WireName("most_recent")] MostRecent,
    /// <summary>Mean over the filled part of the history window ("mean"): smooths noisy amax, lags spikes.</summary>
    [WireName("mean")] Mean,
}
