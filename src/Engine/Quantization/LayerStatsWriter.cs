using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Writes a <see cref="QuantLinear"/>'s statistics into its [roles, metrics] device buffer (layout:
/// <see cref="LayerStatsLayout"/>). Device-side only: nothing here syncs with the host.
/// </summary>
internal static class LayerStatsWriter
{
    /// <summary>Copies <paramref name="values"/> into the first columns of row <paramref name="row"/>.</summary>
    public static void Row(Tensor stats, int row, Tensor values)
    {
        using var noGrad = no_grad();
        using var target = stats[row];
        using var head = target.narrow(0, 0, values.shape[0]);
        head.copy_(values);
    }

    /// <summary>Input kurtosis and channel ratio, weight norm, and the top input channels when <paramref name="k"/> &gt; 0.</summary>
    public static void Shape(Tensor stats, Tensor? topChannels, Tensor x, Tensor weight, int k)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var shape = stack([DistributionStats.Kurtosis(x), DistributionStats.ChannelRatio(x)]);
        stats[0].narrow(0, LayerStatsLayout.ShapeColumn, 2).copy_(shape);
        stats[1, LayerStatsLayout.WeightNormColumn].copy_(weight.norm());
        if (topChannels is null || k <= 0) return;
        var (values, channels) = DistributionStats.TopChannels(x, k);
        topChannels.fill_(float.NaN);
        topChannels[0].narrow(0, 0, values.shape[0]).copy_(values);
        topChannels[1].narrow(0, 0, channels.shape[0]).copy_(channels);
    }

    /// <summary>
    /// Relative output error ||y' - y|| / ||y|| against the unquantized y = x·Wᵀ, with only the weight quantized, only
    /// the input quantized, and both (<paramref name="both"/> = the layer's actual output), into the input row.
    /// </summary>
    public static void ErrorSplit(Tensor stats, Tensor x, Tensor weight, Tensor qInput, Tensor qWeight, Tensor both, Func<Tensor, Tensor, Tensor> matmul)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var exact = matmul(x.detach(), weight.detach());
        var weightOnly = matmul(x.detach(), qWeight.detach());
        var inputOnly = matmul(qInput.detach(), weight.detach());
        var reference = exact.norm();
        var errors = stack([weightOnly.sub(exact).norm(), inputOnly.sub(exact).norm(), both.detach().sub(exact).norm()]).div(reference);
        stats[0].narrow(0, LayerStatsLayout.ErrorSplitColumn, 3).copy_(errors);
    }
}
