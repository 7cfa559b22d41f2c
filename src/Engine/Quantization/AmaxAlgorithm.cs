namespace QuantScope.Engine.Quantization;

/// <summary>How the amax prediction is taken from the amax history (TE's <c>amax_compute_algo</c>).</summary>
public enum AmaxAlgorithm
{
    /// <summary>Maximum over the whole history window ("max", TE's default): robust to one quiet step.</summary>
    Max,
    /// <summary>The most recent amax only ("most_recent"): reacts fastest, no memory of spikes.</summary>
    MostRecent,
    /// <summary>Mean over the filled part of the history window ("mean"): smooths noisy amax, lags spikes.</summary>
    Mean,
}
