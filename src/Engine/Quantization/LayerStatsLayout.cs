using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Layout of a <see cref="QuantLinear"/>'s per-step stats buffer: [<see cref="Roles"/>.Count, <see cref="Metrics"/>.Count]
/// float32, row = tensor role, column = metric. The trainer copies these rows to the host once per logged window.
/// </summary>
public static class LayerStatsLayout
{
    /// <summary>Row order: the layer's input activation, its weight, then its output gradient (backward pass).</summary>
    public static IReadOnlyList<string> Roles { get; } = [TensorRoles.Input, TensorRoles.Weight, TensorRoles.GradOutput];

    /// <summary>Column order. amaxPred, scale and saturation are 0 for a high-precision role; block-scaled roles report amaxPred = amax, scale = 1, saturation = 0.</summary>
    public static IReadOnlyList<string> Metrics { get; } =
        [MetricNames.Amax, MetricNames.AmaxPred, MetricNames.Scale, MetricNames.OverflowFraction];

    /// <summary>Values per layer per step (roles × metrics).</summary>
    public static int Width => Roles.Count * Metrics.Count;

    /// <summary>Flat index of (role, metric) inside one layer's row-major buffer.</summary>
    public static int IndexOf(string role, string metric)
    {
        var r = IndexIn(Roles, role, nameof(role));
        var m = IndexIn(Metrics, metric, nameof(metric));
        return r * Metrics.Count + m;
    }

    private static int IndexIn(IReadOnlyList<string> list, string value, string paramName)
    {
        for (var i = 0; i < list.Count; i++)
            if (list[i] == value) return i;
        throw new ArgumentException($"'{value}' is not in the stats layout.", paramName);
    }
}
