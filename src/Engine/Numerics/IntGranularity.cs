namespace QuantScope.Engine.Numerics;

/// <summary>Which elements share one INT scale.</summary>
public enum IntGranularity
{
    /// <summary>One scale for the whole tensor.</summary>
    PerTensor,

    /// <summary>One scale per row along the last dim (per output row of an [out, in] weight).</summary>
    PerChannel,

    /// <summary>One scale per group of G consecutive values along the last dim.</summary>
    PerGroup,
}
