using QuantScope.Engine.Configuration;

namespace QuantScope.Engine.Quantization;

/// <summary>How a role's values are rounded onto the format's grid (a <see cref="QuantRule"/>'s <c>rounding</c>).</summary>
public enum RoundingMode
{
    /// <summary>Round to nearest, ties to even ("nearest", the default): each format's own rounding, bit-exact.</summary>
    [WireName("nearest")] Nearest,
    /// <summary>
    /// Stochastic rounding ("stochastic"): up to the next grid point with probability (v - lo) / (hi - lo), so the
    /// expectation is v (<see cref="Numerics.StochasticRounding"/>); seeded per run and layer, deterministic for a seed.
    /// For FP8/E2M1, MX, NVFP4 and INT-n; HiF8 is refused.
    /// </summary>
    [WireName("stochastic")] Stochastic,
}
