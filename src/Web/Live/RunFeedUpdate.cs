using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Live;

/// <summary>New points of a run since the last update (steps beyond what was already shown), and its latest status.</summary>
public sealed record RunFeedUpdate(IReadOnlyList<ScalarPoint> Scalars, IReadOnlyList<LayerPoint> LayerPoints, StatusEvent? Status);
