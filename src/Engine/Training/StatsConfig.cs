using QuantScope.Engine.Numerics;

namespace QuantScope.Engine.Training;

/// <summary>How often the per-layer diagnostics are computed (amax, amaxPred, scale and overflow come every step regardless).</summary>
public sealed record StatsConfig
{
    /// <summary>Full statistics (underflow, MSE, SQNR, HiF8 tiers, kurtosis, channel ratio, norms, FC2 outliers) every N steps; 0 = never.</summary>
    public int Every { get; init; } = 1;

    /// <summary>The weight/input error split (three extra matmuls per layer) every N steps; 0 = never.</summary>
    public int ErrorSplitEvery { get; init; } = 10;

    /// <summary>
    /// The magnitude histogram (<c>magHist.*</c>) and the block-scale statistics (scaleInv*, scaleStd, blocksAtScaleLimit,
    /// blockUnderflow) every N steps, on stats steps only (pictures: they need not be every step); 0 = never.
    /// </summary>
    public int HistogramEvery { get; init; } = StatsDefaults.HistogramEvery;

    /// <summary>Top-k input channels tracked for every <c>mlp.down_proj</c> (FC2); 0 = none.</summary>
    public int TopChannels { get; init; } = 4;

    /// <summary>
    /// Watch the output gradient of layers whose plan keeps it in high precision: its amax every step, its dynamic range
    /// and the what-if E5M2 / E4M3 overflow and underflow (under shadow delayed scales) on stats steps. Default on.
    /// </summary>
    public bool Grad { get; init; } = true;

    /// <summary>Extra formats (registry names, e.g. <c>mxfp8-e4m3</c>, <c>mxfp4</c>) whose overflow, underflow, MSE and SQNR are computed on the same tensors on stats steps, without affecting training.</summary>
    public IReadOnlyList<FormatName> WhatIf { get; init; } = [];
}
