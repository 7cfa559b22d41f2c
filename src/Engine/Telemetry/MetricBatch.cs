namespace QuantScope.Engine.Telemetry;

/// <summary>What a run emits for one or more logged steps. Plain managed values only: no tensors cross this line.</summary>
public sealed record MetricBatch(Guid RunId, IReadOnlyList<ScalarPoint> Scalars, IReadOnlyList<LayerPoint> LayerPoints)
{
    /// <summary>Highest step in the batch, or -1 when empty.</summary>
    public int LastStep =>
        Math.Max(Scalars.Count == 0 ? -1 : Scalars.Max(s => s.Step), LayerPoints.Count == 0 ? -1 : LayerPoints.Max(p => p.Step));
}
