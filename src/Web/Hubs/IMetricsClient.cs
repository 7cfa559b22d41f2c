using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Hubs;

/// <summary>What the server calls on clients of <see cref="MetricsHub"/>.</summary>
public interface IMetricsClient
{
    /// <summary>New metric points of a run the client joined.</summary>
    Task ReceiveMetrics(MetricBatch batch);

    /// <summary>A joined run changed status (layers set once known).</summary>
    Task RunStatusChanged(RunStatusDto status);
}
