using QuantScope.Engine.Numerics;
using QuantScope.Engine.Numerics.Cpu;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// The statistics attached to one <see cref="QuantLinear"/>, kept out of its forward pass: each step's raw counts and
/// sums per role (<see cref="RawStatsLayout"/>, a device buffer, no host sync), and on stats steps the input's shape,
/// its top channels, the what-if formats and the weight/input error split. <see cref="Stats"/> finishes them on the
/// host for inspection; training copies <see cref="RawStats"/> once per logging window.
/// </summary>
public sealed class LayerProbe : IDisposable
{
    /// <summary>Row of the input role in the stats buffers.</summary>
    internal const int InputRow = 0;

    /// <summary>Row of the weight role.</summary>
    internal const int WeightRow = 1;

    /// <summary>Row of the output-gradient role (written by the backward pass).</summary>
    internal const int GradRow = 2;

    // Numbers handed to TorchSharp are Scalars held here (see Numerics/ScalarOps: a temporary can be freed mid-call).
    private static readonly Scalar NaN32 = float.NaN.ToScalar(), NaN64 = double.NaN.ToScalar();

    private readonly Parameter _weight;
    private readonly Tensor _raw;
    private int _topChannelCount;
    private Tensor? _topChannels;
    private IReadOnlyList<INumberFormat> _whatIfFormats = [];
    private Tensor? _whatIf;

    internal LayerProbe(Parameter weight)
    {
        _weight = weight;
        _raw = full([LayerStatsLayout.Roles.Count, RawStatsLayout.Width], NaN64, dtype: ScalarType.Float64, device: weight.device); // the layer's device
    }

    /// <summary>Compute the full statistics on this step (set by the trainer per step; default on).</summary>
    public bool CollectStats { get; set; } = true;

    /// <summary>
    /// Watch dL/dy where the plan keeps it in high precision (<c>stats.grad</c>): its amax every step, and on stats
    /// steps its dynamic range and the what-if E5M2 / E4M3 overflow and underflow under shadow delayed scales
    /// (<see cref="GradWhatIfStats"/>). Default off; the trainer sets it. A quantized gradient is measured by its quantizer
    /// instead. Set outside a step: switching it on allocates the shadow scaling states.
    /// </summary>
    public bool ObserveGrad
    {
        get => _gradWhatIf is not null;
        set
        {
            _gradWhatIf?.Dispose();
            _gradWhatIf = value ? new GradWhatIfStats(_gradRecipe, _weight.device) : null;
        }
    }

    /// <summary>The delayed recipe the shadow gradient states follow (the layer's input recipe when delayed); rebuilds them when watched.</summary>
    internal DelayedScalingRecipe GradWhatIfRecipe
    {
        get => _gradRecipe;
        set
        {
            _gradRecipe = value;
            if (ObserveGrad) ObserveGrad = true; // rebuild with the new recipe (outside a step: at model construction)
        }
    }

    private DelayedScalingRecipe _gradRecipe = new();
    private GradWhatIfStats? _gradWhatIf;

    /// <summary>Compute the weight/input error split on this step (three extra matmuls; default off).</summary>
    public bool SplitError { get; set; }

    /// <summary>
    /// On stats steps, also the magnitude histogram and the block-scale statistics (pictures, on their own cadence
    /// <c>stats.histogramEvery</c>; set by the trainer per step; default on). Off: their columns stay NaN (no points).
    /// </summary>
    public bool Pictures { get; set; } = true;

    /// <summary>How many top input channels to track on stats steps (0 = none; the trainer sets it for FC2).</summary>
    public int TopChannelCount
    {
        get => _topChannelCount;
        set
        {
            _topChannelCount = value;
            _topChannels?.Dispose();
            _topChannels = value > 0 ? full([2, value], NaN32, device: _weight.device) : null;
        }
    }

    /// <summary>
    /// Formats whose overflow / underflow / MSE / SQNR are computed on stats steps on the layer's tensors without
    /// affecting training (<see cref="WhatIfStats"/>). Set before the first forward.
    /// </summary>
    public IReadOnlyList<INumberFormat> WhatIfFormats
    {
        get => _whatIfFormats;
        set
        {
            _whatIfFormats = value;
            _whatIf?.Dispose();
            _whatIf = value.Count > 0 ? full([LayerStatsLayout.Roles.Count, value.Count * WhatIfStats.RawWidth], NaN64, dtype: ScalarType.Float64, device: _weight.device) : null;
        }
    }

    /// <summary>[roles, formats × <see cref="WhatIfStats.RawWidth"/>] float64 device buffer of the raw what-if counts and sums of the latest stats step, or null.</summary>
    public Tensor? WhatIf => _whatIf;

    /// <summary>[2, k] device buffer: the top channels' absmax (row 0) and indices (row 1) of the latest stats step, or null.</summary>
    public Tensor? TopChannels => _topChannels;

    /// <summary>
    /// SYNC POINT: a new host [roles, metrics] float32 tensor of the latest forward's statistics (layout:
    /// <see cref="LayerStatsLayout"/>), finished from the raw device buffer. For inspection and tests.
    /// </summary>
    public Tensor Stats
    {
        get
        {
            using var host = _raw.cpu(); // SYNC POINT: inspection and tests only, never called by the trainer
            var final = LayerStatsFinalizer.Finish(host.data<double>().ToArray()); // SYNC POINT (as above)
            return tensor(final) // a host tensor: SYNC POINT (as above)
                .reshape(LayerStatsLayout.Roles.Count, LayerStatsLayout.Metrics.Count);
        }
    }

    /// <summary>Live [roles, <see cref="RawStatsLayout.Width"/>] float64 device buffer of the latest forward's raw counts and sums.</summary>
    internal Tensor RawStats => _raw;

    /// <summary>After the backward pass: records ||dL/dW|| (before clipping) in the weight row on stats steps.</summary>
    public void RecordGradNorm()
    {
        if (!CollectStats || _weight.grad is not { } grad) return;
        using var noGrad = no_grad();
        using var norm = grad.norm();
        using var cell = norm.reshape(1);
        LayerStatsWriter.Row(_raw, WeightRow, cell, LayerStatsWriter.GradNorm.Offset); // on the CPU a store into the buffer's memory
    }

    /// <summary>Start of a forward: every value of the previous step becomes NaN (not measured).</summary>
    internal void Begin()
    {
        using (no_grad())
        {
            _raw.fill_(NaN32);
            _whatIf?.fill_(NaN32);
        }
    }

    /// <summary>A role's raw row from <see cref="RoleQuantizer.Amax"/> on (the quantizer's stats, or the amax alone of a high-precision role).</summary>
    internal void Record(int row, Tensor values)
    {
        using (no_grad()) LayerStatsWriter.Row(_raw, row, values, RoleQuantizer.Amax.Offset);
    }

    /// <summary>
    /// The 0-d amax of role <paramref name="row"/>'s tensor (<see cref="ScaleMath.Amax"/>), and on stats steps its smallest
    /// nonzero magnitude (<see cref="RecordRange"/>). On the CPU a stats step takes both from one pass
    /// (<see cref="StatsKernel.Range(Tensor)"/>: the same max, the same min), the smallest written straight into the row.
    /// </summary>
    internal Tensor AmaxWithRange(int row, Tensor t)
    {
        if (!CollectStats || !CpuKernel.Applies(t) || t.numel() == 0 || !CpuKernel.AppliesFloat64(_raw))
        {
            var amax = ScaleMath.Amax(t);
            RecordRange(row, t);
            return amax;
        }

        var (largest, smallest) = StatsKernel.Range(t);
        CpuKernel.Doubles(_raw)[row * RawStatsLayout.Width + RangeStats.MinNonzero.Offset] = smallest;
        return CpuKernel.Filled(largest);
    }

    /// <summary>On stats steps: the smallest nonzero magnitude of role <paramref name="row"/>'s tensor (its dynamic range with amax).</summary>
    internal void RecordRange(int row, Tensor t)
    {
        if (!CollectStats) return;
        using var noGrad = no_grad();
        // abs, threshold_ and min: the same values on any thread count; the CPU kernel cuts its own parts
        using var oneThread = CpuKernel.Applies(t) ? default : SingleThreaded.Enter(t.numel());
        using var smallest = RangeStats.SmallestNonzero(t);
        LayerStatsWriter.Row(_raw, row, smallest, RangeStats.MinNonzero.Offset);
    }

    /// <summary>
    /// The backward pass of a high-precision gradient (<see cref="ObserveGrad"/>): records its amax in the grad row, and on
    /// stats steps its dynamic range and the what-if FP8 fractions under <see cref="GradWhatIfRecipe"/>'s delayed scaling.
    /// </summary>
    internal void RecordGradOutput(Tensor grad)
    {
        if (_gradWhatIf is null) return;
        using var noGrad = no_grad();
        if (CollectStats && CpuKernel.Applies(grad) && CpuKernel.AppliesFloat64(_raw))
        {
            RecordGradOutputOnCpu(grad);
            return;
        }

        using var oneThread = SingleThreaded.Enter(grad.numel()); // elementwise passes, min/max and exact counts only
        using var amax = ScaleMath.Amax(grad);
        using (var row = amax.reshape(1)) Record(GradRow, row);
        using var magnitude = CollectStats ? grad.detach().abs() : null; // |g| once, for the what-if counts and the range
        using var fractions = _gradWhatIf.Observe(magnitude, amax);
        if (fractions is not null) LayerStatsWriter.Row(_raw, GradRow, fractions, GradWhatIfStats.Fractions.Offset);
        if (magnitude is null) return;
        using var smallest = RangeStats.SmallestNonzeroMagnitude(magnitude); // last: overwrites |g|'s zeros
        LayerStatsWriter.Row(_raw, GradRow, smallest, RangeStats.MinNonzero.Offset);
    }

    // The CPU route of a stats step: one kernel pass (GradWhatIfStats.ObserveOnCpu), its results written straight into
    // the grad row's memory (a CPU buffer: a store, no sync). Measured (issue 25, Release, 2 shared cores, fastest of 60):
    // the tensor route's ~14 passes took 0.63 ms per [1024, 384] gradient and 1.1 ms per [1024, 1024], this route 0.09
    // and 0.19 ms (the state's update included); its medians under the neighbours' load stayed there, the tensor
    // route's two-thread ops went to 5-200 ms when a worker lost its core.
    private void RecordGradOutputOnCpu(Tensor grad)
    {
        var (counts, amax) = _gradWhatIf!.ObserveOnCpu(grad);
        using (amax)
        {
            var row = CpuKernel.Doubles(_raw).Slice(GradRow * RawStatsLayout.Width, RawStatsLayout.Width);
            row[RoleQuantizer.Amax.Offset] = CpuKernel.Value(amax);
            counts.Fractions(grad.numel()).CopyTo(row[GradWhatIfStats.Fractions.Offset..]);
            row[RangeStats.MinNonzero.Offset] = counts.SmallestNonzero;
        }
    }

    /// <summary>The watched gradient's shadow delayed states by module name (<c>grad_whatif_e5m2</c>, the one state both formats share); empty when not watched. Resume checkpoints save it.</summary>
    internal IEnumerable<(string Name, DelayedScalingState State)> GradShadowStates =>
        _gradWhatIf is null ? [] : _gradWhatIf.States.Select(s => (s.GetName(), s));

    /// <summary>Forgets the shadow gradient histories (quantization switched on after a warmup).</summary>
    internal void ResetGradHistories() => _gradWhatIf?.Reset();

    /// <summary>On stats steps: what each what-if format would have done to the input (its rows from <paramref name="input"/>).</summary>
    internal void RecordWhatIf(InputStats input)
    {
        if (!CollectStats || _whatIf is null) return;
        using var noGrad = no_grad();
        using var row = _whatIf[InputRow];
        row.copy_(input.WhatIf(_whatIfFormats));
    }

    /// <summary>On stats steps: what each what-if format would have done to role <paramref name="row"/>'s tensor.</summary>
    internal void RecordWhatIf(int row, Tensor t, Tensor amax)
    {
        if (!CollectStats || _whatIf is null) return;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var values = cat(_whatIfFormats.Select(f => WhatIfStats.Compute(t, amax, f)).ToArray());
        _whatIf[row].copy_(values);
    }

    /// <summary>
    /// After the forward matmul: on stats steps the input's range and shape (and top channels) from
    /// <paramref name="input"/>, and the norms of roles the quantizer did not measure; on error-split steps the output
    /// error with only the weight, only the input, and both quantized.
    /// </summary>
    internal void Observe(InputStats input, Tensor x, Tensor qInput, Tensor qWeight, Tensor y, bool inputMeasured, bool weightMeasured, Func<Tensor, Tensor, Tensor> matmul)
    {
        if (CollectStats) LayerStatsWriter.Shape(_raw, _topChannels, input, x, _weight, TopChannelCount, inputMeasured, weightMeasured);
        if (SplitError) LayerStatsWriter.ErrorSplit(_raw, x, _weight, qInput, qWeight, y, matmul);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _topChannels?.Dispose();
        _whatIf?.Dispose();
        _gradWhatIf?.Dispose();
        _raw.Dispose();
    }
}
