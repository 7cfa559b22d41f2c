using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Live;

/// <summary>
/// What one feed update adds to the run page's charts, once <see cref="RunViewState.Apply"/> has taken it in.
/// </summary>
/// <param name="Loss">New loss points, to append to the loss chart.</param>
/// <param name="Eval">New held-out points per trace (0: held-out, 1: baseline), for an eval chart already shown; empty otherwise.</param>
/// <param name="HeatmapColumns">Columns to append to the heatmap shown (empty when none, or when it was rebuilt).</param>
/// <param name="HeatmapRebuilt">True when the heatmap outgrew its columns and was rebuilt: recreate it.</param>
/// <param name="LayerPoints">New per-layer points, for the layer panel.</param>
/// <param name="SummaryDue">True when the run just ended without a summary shown: load it.</param>
public sealed record RunViewDelta(
    IReadOnlyList<(int Step, float Value)> Loss,
    IReadOnlyList<(int Trace, IReadOnlyList<(int Step, float Value)> Points)> Eval,
    IReadOnlyList<(int Step, float[] Row)> HeatmapColumns,
    bool HeatmapRebuilt,
    IReadOnlyList<LayerPoint> LayerPoints,
    bool SummaryDue);
