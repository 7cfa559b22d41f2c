namespace QuantScope.Web.Live;

/// <summary>One row of the per-layer table: the latest input amax against the delayed amaxPred it was scaled with.</summary>
public sealed record LayerSummary(string Layer, float Amax, float AmaxPred, float Saturation)
{
    /// <summary>amax / amaxPred: above 1 means the tensor outran its history and clipped.</summary>
    public float Ratio => AmaxPred > 0 ? Amax / AmaxPred : float.NaN;
}
