using QuantScope.Engine.Numerics.Cpu;
using QuantScope.Engine.Telemetry;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Writes a <see cref="QuantLinear"/>'s raw statistics into its [roles, <see cref="RawStatsLayout.Width"/>] float64
/// device buffer. Device-side only: nothing here syncs with the host.
/// </summary>
internal static class LayerStatsWriter
{
    // Numbers handed to TorchSharp are Scalars held here (see Numerics/ScalarOps: a temporary can be freed mid-call).
    private static readonly Scalar NaN = float.NaN.ToScalar();

    /// <summary>Raw: <see cref="ErrorSplit"/>'s three relative errors (weight only, input only, both), already final.</summary>
    public static readonly RawColumn ErrorSplitColumns = new("errorSplit", 3);

    /// <summary>Raw: ||dL/dW|| of the weight row (<see cref="LayerProbe.RecordGradNorm"/>), already final.</summary>
    public static readonly RawColumn GradNorm = new(MetricCatalog.GradNorm);

    /// <summary>The error split's columns (input row, error-split steps) and the weight row's norms (stats steps).</summary>
    public static LayerStatsGroup Group { get; } = new(
        [ErrorSplitColumns, GradNorm],
        [
            new(MetricCatalog.ErrorWeightOnly, (raw, _) => raw[ErrorSplitColumns.Offset]),
            new(MetricCatalog.ErrorInputOnly, (raw, _) => raw[ErrorSplitColumns.Offset + 1]),
            new(MetricCatalog.ErrorBoth, (raw, _) => raw[ErrorSplitColumns.Offset + 2]),
            new(MetricCatalog.WeightNorm, (raw, role) => role == TensorRoles.Weight ? Math.Sqrt(raw[QuantErrorStats.SignalEnergy.Offset]) : double.NaN),
            new(MetricCatalog.GradNorm, (raw, _) => raw[GradNorm.Offset]),
        ]);

    /// <summary>
    /// Copies <paramref name="values"/> (1-d) into row <paramref name="row"/> from column <paramref name="column"/> on. On
    /// the CPU (a contiguous float64 buffer, contiguous float64 or float32 values) through both tensors' memory: a few
    /// stores, where the view, its narrowing and copy_ cost three TorchSharp calls and two handles, several µs, per role
    /// and step.
    /// </summary>
    public static void Row(Tensor stats, int row, Tensor values, int column)
    {
        if (CpuKernel.AppliesFloat64(stats) && values.dim() == 1 && values.device_type == DeviceType.CPU && values.is_contiguous())
        {
            var cells = CpuKernel.Doubles(stats).Slice(row * (int)stats.shape[1] + column, (int)values.shape[0]);
            if (values.dtype == ScalarType.Float64)
            {
                CpuKernel.Doubles(values).CopyTo(cells);
                return;
            }

            if (values.dtype == ScalarType.Float32)
            {
                var source = CpuKernel.Floats(values);
                for (var i = 0; i < source.Length; i++) cells[i] = source[i];
                return;
            }
        }

        using var noGrad = no_grad();
        using var target = stats[row];
        using var part = target.narrow(0, column, values.shape[0]);
        part.copy_(values);
    }

    /// <summary>
    /// The input's smallest nonzero magnitude, power sums and channel median, and its top channels when
    /// <paramref name="k"/> &gt; 0, from <paramref name="input"/>; Σx² of a role the quantizer did not measure
    /// (<paramref name="inputMeasured"/>, <paramref name="weightMeasured"/> false): the input's for its kurtosis, the
    /// weight's for its norm.
    /// </summary>
    public static void Shape(Tensor stats, Tensor? topChannels, InputStats input, Tensor x, Tensor weight, int k, bool inputMeasured, bool weightMeasured)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Row(stats, 0, input.SmallestNonzero, RangeStats.MinNonzero.Offset);
        Row(stats, 0, input.Shape, DistributionStats.SumX.Offset); // [sumX, sumX3, sumX4, median]
        if (!inputMeasured) SizeAndEnergy(stats, 0, x);
        if (!weightMeasured) SizeAndEnergy(stats, 1, weight);
        if (topChannels is null || k <= 0) return;
        var (values, channels) = DistributionStats.TopChannels(input.ChannelAbsMax, k);
        topChannels.fill_(NaN);
        topChannels[0].narrow(0, 0, values.shape[0]).copy_(values);
        topChannels[1].narrow(0, 0, channels.shape[0]).copy_(channels);
    }

    // Elements and Σx² of a role the quantizer did not measure: only what the shape and norm statistics need (the
    // columns between them stay NaN from LayerProbe.Begin). Called inside Shape's dispose scope.
    private static void SizeAndEnergy(Tensor stats, int row, Tensor t)
    {
        var flat = t.detach().reshape(-1);
        var target = stats[row];
        using var elements = ((double)flat.numel()).ToScalar(); // held; fill_ is a kernel, a host tensor would be a copy (sync on CUDA)
        target.narrow(0, RoleQuantizer.Elements.Offset, 1).fill_(elements);
        target.narrow(0, QuantErrorStats.SignalEnergy.Offset, 1).copy_(flat.dot(flat).reshape(1));
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
        Row(stats, 0, errors, ErrorSplitColumns.Offset);
    }
}
