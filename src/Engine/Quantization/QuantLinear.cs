using QuantScope.Engine.Numerics;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// A linear layer (y = x·Wᵀ + b) that fake-quantizes its input and its weight in the forward pass and the gradient of
/// its output in the backward pass, each by its own recipe (<see cref="IScalingRecipe"/>: delayed, current or block
/// scaling; null = high precision) with its own state (children <c>input_scaling</c>, <c>weight_scaling</c>,
/// <c>grad_scaling</c>). Parameter names match torch's Linear (<c>weight</c> [out, in], optional <c>bias</c>
/// [out]) so checkpoints map 1:1.
/// <para>
/// Every forward writes the step's raw stats (counts and sums, <see cref="RawStatsLayout"/>) into a device buffer (no
/// host sync); <see cref="Stats"/> finishes them on the host. A high-precision role records only amax (other columns
/// stay NaN): amax still shows the activation ranges and locates non-finite values. The grad row is written by the
/// backward pass, and only when that role is quantized.
/// </para>
/// </summary>
public sealed class QuantLinear : nn.Module<Tensor, Tensor>
{
    // Numbers handed to TorchSharp are Scalars held here (see Numerics/ScalarOps: a temporary can be freed mid-call).
    private static readonly Scalar NaN32 = float.NaN.ToScalar(), NaN64 = double.NaN.ToScalar();

    // [ComponentName] on every tensor/module field in Engine modules: TorchSharp also registers fields by reflection
    // (when a module is registered or moved with .to()), and without it _weight would appear as a second name.
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;
    [ComponentName(Name = "bias")]
    private readonly Parameter? _bias;
    [ComponentName(Name = "input_scaling")]
    private nn.Module? _inputScaling;
    [ComponentName(Name = "weight_scaling")]
    private nn.Module? _weightScaling;
    [ComponentName(Name = "grad_scaling")]
    private nn.Module? _gradOutputScaling;
    [ComponentName(Name = "stats")]
    private readonly Tensor _stats;

    /// <summary>Creates the layer with zero weights (the model initialises them from its seed).</summary>
    /// <param name="name">Module name (the last part of the full name, e.g. <c>q_proj</c>).</param>
    /// <param name="inFeatures">Input width.</param>
    /// <param name="outFeatures">Output width.</param>
    /// <param name="hasBias">Whether to add a bias (Llama projections have none).</param>
    /// <param name="recipe">Delayed scaling recipe for input and weight; null = full precision.</param>
    public QuantLinear(string name, long inFeatures, long outFeatures, bool hasBias, DelayedScalingRecipe? recipe)
        : this(name, inFeatures, outFeatures, hasBias, recipe, recipe)
    {
    }

    /// <summary>Creates the layer with a recipe per role (null = that role stays high precision).</summary>
    public QuantLinear(string name, long inFeatures, long outFeatures, bool hasBias, IScalingRecipe? input, IScalingRecipe? weight) : base(name)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        _weight = new Parameter(zeros(outFeatures, inFeatures), requires_grad: true);
        register_parameter("weight", _weight);
        if (hasBias)
        {
            _bias = new Parameter(zeros(outFeatures), requires_grad: true);
            register_parameter("bias", _bias);
        }

        _stats = full([LayerStatsLayout.Roles.Count, RawStatsLayout.Width], NaN64, dtype: ScalarType.Float64);
        register_buffer("stats", _stats, persistent: false);
        Configure(input, weight);
    }

    /// <summary>Input width.</summary>
    public long InFeatures { get; }

    /// <summary>Output width.</summary>
    public long OutFeatures { get; }

    /// <summary>Recipe of the input role, or null (high precision).</summary>
    public IScalingRecipe? InputRecipe { get; private set; }

    /// <summary>Recipe of the weight role, or null (high precision).</summary>
    public IScalingRecipe? WeightRecipe { get; private set; }

    /// <summary>Recipe of the output-gradient role (backward pass), or null (high precision).</summary>
    public IScalingRecipe? GradOutputRecipe { get; private set; }

    /// <summary>Format of the input role, or null.</summary>
    public INumberFormat? InputFormat { get; private set; }

    /// <summary>Format of the weight role, or null.</summary>
    public INumberFormat? WeightFormat { get; private set; }

    /// <summary>Format of the output-gradient role, or null.</summary>
    public INumberFormat? GradOutputFormat { get; private set; }

    /// <summary>The input's quantization format (else the weight's), or null when the layer runs in full precision.</summary>
    public INumberFormat? Format => InputFormat ?? WeightFormat;

    /// <summary>True when the input or the weight is fake-quantized.</summary>
    public bool IsQuantized => Format is not null;

    /// <summary>
    /// False during a high-precision (BF16) warmup: every role then runs unquantized and records only its amax. Setting
    /// it back to true resets every scaling state (<see cref="DelayedScalingState.Reset"/>), so the first quantized step
    /// seeds its histories afresh, as Transformer Engine does when FP8 is switched on.
    /// </summary>
    public bool QuantizationEnabled
    {
        get => _enabled;
        set
        {
            if (value && !_enabled)
            {
                foreach (var state in new[] { _inputScaling, _weightScaling, _gradOutputScaling })
                {
                    if (state is DelayedScalingState d) d.Reset();
                    else if (state is CurrentScalingState c) c.Reset();
                }
            }

            _enabled = value;
        }
    }

    private bool _enabled = true;

    /// <summary>[out, in] weight.</summary>
    public Parameter Weight => _weight;

    /// <summary>[out] bias or null.</summary>
    public Parameter? Bias => _bias;

    /// <summary>Delayed scaling state of the input role, or null when it is not delayed-scaled.</summary>
    public DelayedScalingState? InputScaling => _inputScaling as DelayedScalingState;

    /// <summary>Delayed scaling state of the weight role, or null when it is not delayed-scaled.</summary>
    public DelayedScalingState? WeightScaling => _weightScaling as DelayedScalingState;

    /// <summary>Delayed scaling state of the output-gradient role, or null when it is not delayed-scaled.</summary>
    public DelayedScalingState? GradOutputScaling => _gradOutputScaling as DelayedScalingState;

    /// <summary>
    /// SYNC POINT: a new host [roles, metrics] float32 tensor of the latest forward's statistics (layout:
    /// <see cref="LayerStatsLayout"/>), finished from the raw device buffer. For inspection and tests: training reads the
    /// raw buffer (<see cref="RawStats"/>) once per logging window instead.
    /// </summary>
    public Tensor Stats
    {
        get
        {
            using var host = _stats.cpu();
            var final = LayerStatsFinalizer.Finish(host.data<double>().ToArray());
            return tensor(final).reshape(LayerStatsLayout.Roles.Count, LayerStatsLayout.Metrics.Count);
        }
    }

    /// <summary>
    /// Live [roles, <see cref="RawStatsLayout.Width"/>] float64 device buffer of the latest forward's raw counts and
    /// sums, overwritten by each forward.
    /// </summary>
    internal Tensor RawStats => _stats;

    /// <summary>
    /// Sets the recipes of the three roles (building fresh scaling states). Meant for model construction, before the first
    /// forward: the model is built first so that a <c>QuantPlan</c> can be resolved against full layer names.
    /// </summary>
    internal void Configure(IScalingRecipe? input, IScalingRecipe? weight, IScalingRecipe? gradOutput = null)
    {
        InputRecipe = input;
        WeightRecipe = weight;
        GradOutputRecipe = gradOutput;
        InputFormat = input is null ? null : NumberFormats.Get(input.Format);
        WeightFormat = weight is null ? null : NumberFormats.Get(weight.Format);
        GradOutputFormat = gradOutput is null ? null : NumberFormats.Get(gradOutput.Format);
        _inputScaling = Attach("input_scaling", input, InputFormat, _inputScaling);
        _weightScaling = Attach("weight_scaling", weight, WeightFormat, _weightScaling);
        _gradOutputScaling = Attach("grad_scaling", gradOutput, GradOutputFormat, _gradOutputScaling);
    }

    private nn.Module? Attach(string name, IScalingRecipe? recipe, INumberFormat? format, nn.Module? old)
    {
        var state = recipe is null ? null : RoleQuantizer.CreateState(name, recipe, format!);
        if (old is not null)
        {
            _internal_submodules.Remove(name);
            old.Dispose();
        }

        if (state is not null) register_module(name, state);
        return state;
    }

    /// <summary>
    /// x [..., in] -> [..., out]. In training mode each call advances the input and weight scaling states by one step,
    /// and the backward pass of its output advances the grad state (when that role is quantized). Writes this step's
    /// stats row (unmeasured values NaN): always amax, amaxPred, scale and overflow; with <see cref="CollectStats"/> the
    /// error statistics, the input's shape, the weight norm and (with <see cref="TopChannelCount"/>) its top channels;
    /// with <see cref="SplitError"/> the weight/input error split.
    /// </summary>
    public override Tensor forward(Tensor x)
    {
        using (no_grad())
        {
            _stats.fill_(NaN32);
            _whatIf?.fill_(NaN32);
        }

        using var input = Prepare(x, _enabled ? InputRecipe : null, InputFormat, _inputScaling, 0);
        using var weight = Prepare(_weight, _enabled ? WeightRecipe : null, WeightFormat, _weightScaling, 1);
        if (CollectStats)
        {
            bool Measured(IScalingRecipe? recipe) => _enabled && recipe is not null;
            LayerStatsWriter.Shape(_stats, _topChannels, x, _weight, TopChannelCount, Measured(InputRecipe), Measured(WeightRecipe));
        }

        var y = Matmul(input, weight);
        if (SplitError) LayerStatsWriter.ErrorSplit(_stats, x, _weight, input, weight, y, Matmul);
        if (GradOutputRecipe is null || !_enabled || !training || !y.requires_grad) return y;
        using (y) return GradOutputFunction.Attach(y, this);
    }

    /// <summary>Compute the full statistics on this step (set by the trainer per step; default on).</summary>
    public bool CollectStats { get; set; } = true;

    /// <summary>Compute the weight/input error split on this step (three extra matmuls; default off).</summary>
    public bool SplitError { get; set; }

    /// <summary>How many top input channels to track on stats steps (0 = none; the trainer sets it for FC2).</summary>
    public int TopChannelCount
    {
        get => _topChannelCount;
        set
        {
            _topChannelCount = value;
            _topChannels?.Dispose();
            _topChannels = value > 0 ? full([2, value], NaN32) : null;
        }
    }

    private int _topChannelCount;
    private Tensor? _topChannels;

    /// <summary>
    /// Formats whose overflow / underflow / MSE / SQNR are computed on stats steps on this layer's tensors without
    /// affecting training (<see cref="WhatIfStats"/>). Set before the first forward.
    /// </summary>
    public IReadOnlyList<INumberFormat> WhatIfFormats
    {
        get => _whatIfFormats;
        set
        {
            _whatIfFormats = value;
            _whatIf?.Dispose();
            _whatIf = value.Count > 0 ? full([LayerStatsLayout.Roles.Count, value.Count * WhatIfStats.RawWidth], NaN64, dtype: ScalarType.Float64) : null;
        }
    }

    private IReadOnlyList<INumberFormat> _whatIfFormats = [];
    private Tensor? _whatIf;

    /// <summary>[roles, formats × <see cref="WhatIfStats.RawWidth"/>] float64 device buffer of the raw what-if counts and sums of the latest stats step, or null.</summary>
    public Tensor? WhatIf => _whatIf;

    /// <summary>[2, k] device buffer: the top channels' absmax (row 0) and indices (row 1) of the latest stats step, or null.</summary>
    public Tensor? TopChannels => _topChannels;

    /// <summary>After the backward pass: records ||dL/dW|| (before clipping) in the weight row on stats steps.</summary>
    public void RecordGradNorm()
    {
        if (!CollectStats || _weight.grad is not { } grad) return;
        using var noGrad = no_grad();
        using var norm = grad.norm();
        using var cell = _stats[1, RawStatsLayout.GradNorm];
        cell.copy_(norm);
    }

    /// <summary>Dtype of the matmul (Float32, or BFloat16 with FP32 output); the quantizers always work in FP32.</summary>
    public ScalarType ComputeType { get; set; } = ScalarType.Float32;

    private Tensor Matmul(Tensor input, Tensor weight)
    {
        if (ComputeType == ScalarType.Float32) return nn.functional.linear(input, weight, _bias);
        using var i = input.to(ComputeType);
        using var w = weight.to(ComputeType);
        using var b = _bias?.to(ComputeType);
        using var y = nn.functional.linear(i, w, b);
        return y.to(ScalarType.Float32);
    }

    /// <summary>
    /// The backward half: quantizes dL/dy by the grad recipe and records its stats row. Called by autograd
    /// (<see cref="GradOutputFunction"/>) once per backward pass.
    /// </summary>
    internal Tensor QuantizeGradOutput(Tensor gradOutput)
    {
        using var _ = no_grad();
        using var amax = ScaleMath.Amax(gradOutput);
        var (output, stats) = RoleQuantizer.Quantize(gradOutput, amax, GradOutputFormat!, _gradOutputScaling, training, CollectStats);
        using (stats) LayerStatsWriter.Row(_stats, 2, stats);
        if (CollectStats) WriteWhatIf(2, gradOutput, amax);
        return output;
    }

    private void WriteWhatIf(int row, Tensor t, Tensor amax)
    {
        if (_whatIf is null) return;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var values = cat(_whatIfFormats.Select(f => WhatIfStats.Compute(t, amax, f)).ToArray());
        _whatIf[row].copy_(values);
    }

    private Tensor Prepare(Tensor t, IScalingRecipe? recipe, INumberFormat? format, nn.Module? state, int row)
    {
        using var amax = ScaleMath.Amax(t);
        if (CollectStats) WriteWhatIf(row, t, amax);
        if (recipe is null || format is null)
        {
            using (no_grad()) LayerStatsWriter.Row(_stats, row, amax.reshape(1));
            return t.alias();
        }

        var (output, stats) = RoleQuantizer.Quantize(t, amax, format, state, training, CollectStats);
        using (stats)
        using (no_grad())
        {
            LayerStatsWriter.Row(_stats, row, stats);
        }

        return output;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _topChannels?.Dispose();
            _whatIf?.Dispose();
        }

        base.Dispose(disposing);
    }
}
