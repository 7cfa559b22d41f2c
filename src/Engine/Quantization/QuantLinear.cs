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
/// The statistics live in the attached <see cref="Probe"/>: every forward hands it each role's raw stats (counts and
/// sums, <see cref="RawStatsLayout"/>; no host sync). A high-precision role records only amax (other columns stay NaN):
/// amax still shows the activation ranges and locates non-finite values. The grad row is written by the backward pass,
/// and only when that role is quantized.
/// </para>
/// </summary>
public sealed class QuantLinear : nn.Module<Tensor, Tensor>
{
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

    /// <summary>Creates the layer with zero weights (the model initialises them from its seed) and a recipe per role.</summary>
    /// <param name="name">Module name (the last part of the full name, e.g. <c>q_proj</c>).</param>
    /// <param name="inFeatures">Input width.</param>
    /// <param name="outFeatures">Output width.</param>
    /// <param name="hasBias">Whether to add a bias (Llama projections have none).</param>
    /// <param name="input">Recipe of the input; null = high precision.</param>
    /// <param name="weight">Recipe of the weight; null = high precision.</param>
    /// <param name="device">Where the parameters, scaling states and stats buffers live (null = CPU).</param>
    public QuantLinear(string name, long inFeatures, long outFeatures, bool hasBias, IScalingRecipe? input, IScalingRecipe? weight, Device? device = null) : base(name)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        _weight = new Parameter(zeros(outFeatures, inFeatures, device: device), requires_grad: true);
        register_parameter("weight", _weight);
        if (hasBias)
        {
            _bias = new Parameter(zeros(outFeatures, device: device), requires_grad: true);
            register_parameter("bias", _bias);
        }

        Probe = new LayerProbe(_weight);
        register_buffer("stats", Probe.RawStats, persistent: false);
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

                Probe.ResetGradHistories();
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

    /// <summary>The statistics attached to this layer (what it measures and when, and the buffers it writes).</summary>
    public LayerProbe Probe { get; }

    /// <summary>
    /// Seed of the stochastic rounding of the roles whose recipe asks for it (<see cref="RoundingMode.Stochastic"/>): each
    /// role draws from its own generator, seeded from this seed, the layer's name and the role, so a run is deterministic
    /// for its seed. The trainer sets the run's seed; setting it restarts the generators. Resume checkpoints save their
    /// states (<see cref="RoundingGenerators"/>, <see cref="RestoreRounding"/>).
    /// </summary>
    public long RoundingSeed
    {
        get => _roundingSeed;
        set
        {
            _roundingSeed = value;
            BuildGenerators();
        }
    }

    private long _roundingSeed;
    private readonly Generator?[] _stochastic = new Generator?[3];

    private void BuildGenerators()
    {
        IScalingRecipe?[] recipes = [InputRecipe, WeightRecipe, GradOutputRecipe];
        for (var role = 0; role < recipes.Length; role++)
        {
            _stochastic[role]?.Dispose();
            _stochastic[role] = recipes[role]?.Rounding == RoundingMode.Stochastic
                ? new Generator(StochasticSeed(_roundingSeed, GetName(), role), _weight.device) // host API: made outside a step
                : null;
        }
    }

    /// <summary>The stochastic-rounding generator of each role row (input, weight, output gradient); null where the role rounds to nearest.</summary>
    internal IReadOnlyList<Generator?> RoundingGenerators => _stochastic;

    /// <summary>
    /// Restores role row <paramref name="role"/>'s generator from a resume checkpoint's <paramref name="state"/>. A state
    /// of the other device kind (a different generator with a state of another size) cannot continue the stream, so the
    /// generator is reseeded from the run's seed, the layer, the role and <paramref name="step"/>: the resumed run stays
    /// deterministic. Returns whether the stream continued.
    /// </summary>
    /// <exception cref="InvalidDataException">The role rounds to nearest (it has no generator).</exception>
    internal bool RestoreRounding(int role, Tensor state, int step)
    {
        var generator = _stochastic[role] ?? throw new InvalidDataException($"role {role} of {GetName()} does not round stochastically");
        return Devices.GeneratorState.Restore(generator, state, unchecked((long)(StochasticSeed(_roundingSeed, GetName(), role) ^ ((ulong)step * 1_000_003UL))));
    }

    // FNV-1a over the layer name and role, mixed with the run's seed: distinct, reproducible streams per layer and role.
    private static ulong StochasticSeed(long seed, string name, int role)
    {
        var hash = 14695981039346656037UL ^ (ulong)seed;
        foreach (var c in name + "/" + role) hash = (hash ^ c) * 1099511628211UL;
        return hash;
    }

    /// <summary>
    /// Sets the recipes of the three roles (building fresh scaling states). Meant for model construction, before the first
    /// forward: the model is built first so that a <c>QuantPlan</c> can be resolved against full layer names.
    /// </summary>
    internal void Configure(IScalingRecipe? input, IScalingRecipe? weight, IScalingRecipe? gradOutput = null)
    {
        InputRecipe = input;
        WeightRecipe = weight;
        GradOutputRecipe = gradOutput;
        InputFormat = input is null ? null : input.Format.Format;
        WeightFormat = weight is null ? null : weight.Format.Format;
        GradOutputFormat = gradOutput is null ? null : gradOutput.Format.Format;
        _inputScaling = Attach("input_scaling", input, InputFormat, _inputScaling);
        _weightScaling = Attach("weight_scaling", weight, WeightFormat, _weightScaling);
        _gradOutputScaling = Attach("grad_scaling", gradOutput, GradOutputFormat, _gradOutputScaling);
        Probe.GradWhatIfRecipe = input as DelayedScalingRecipe ?? new DelayedScalingRecipe(); // the delayed recipe a watched gradient is measured by
        BuildGenerators();
    }

    private nn.Module? Attach(string name, IScalingRecipe? recipe, INumberFormat? format, nn.Module? old)
    {
        var state = recipe is null ? null : RoleQuantizer.CreateState(name, recipe, format!, _weight.device);
        if (old is not null)
        {
            _internal_submodules.Remove(name);
            old.Dispose();
        }

        if (state is not null) register_module(name, state);
        return state;
    }

    /// <summary>
    /// x [..., in] -> [..., out]: quantize the input, quantize the weight, multiply. In training mode each call advances
    /// the input and weight scaling states by one step, and the backward pass of its output advances the grad state (when
    /// that role is quantized). The <see cref="Probe"/> records this step's stats (unmeasured values NaN).
    /// </summary>
    public override Tensor forward(Tensor x)
    {
        Probe.Begin();
        var shared = SharedInput?.Of(x);
        using var own = shared is null ? new InputStats(x) : null;
        var inputStats = shared ?? own!;
        if (Probe.CollectStats) inputStats.MeasureShapeFirst(); // a stats step measures the shape anyway: the amax comes with it
        Probe.RecordWhatIf(inputStats);
        using var input = QuantizeInput(x, inputStats);
        using var weightAmax = Probe.AmaxWithRange(LayerProbe.WeightRow, _weight);
        Probe.RecordWhatIf(LayerProbe.WeightRow, _weight, weightAmax);
        using var weight = Quantize(_weight, weightAmax, _enabled ? WeightRecipe : null, WeightFormat, _weightScaling, LayerProbe.WeightRow);
        var y = Matmul(input, weight);
        Probe.Observe(inputStats, x, input, weight, y, Measured(InputRecipe), Measured(WeightRecipe), Matmul);
        if (!training || !y.requires_grad) return y;
        // A quantized gradient role is attached in a warmup too, where it records only its amax (as the forward roles do),
        // so the warmup can calibrate its history; a high-precision one only when watched (stats.grad).
        if (GradOutputRecipe is null && !Probe.ObserveGrad) return y;
        using (y) return GradOutputFunction.Attach(y, this);
    }

    private bool Measured(IScalingRecipe? recipe) => _enabled && recipe is not null;

    /// <summary>
    /// The input share of the layers that read the same tensor (set by the module that owns them: q/k/v, gate/up): while
    /// it reads this layer's input, the input's own statistics come from it (<see cref="InputStats"/>); null or another
    /// tensor: computed here.
    /// </summary>
    internal SharedInput? SharedInput { get; set; }

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
    /// The backward half: quantizes dL/dy by the grad recipe and records its stats row (in a high-precision warmup only its
    /// amax, passing it on unchanged), or, for a gradient kept in high precision, records its amax and what-if FP8
    /// statistics and passes it on unchanged. Called by autograd
    /// (<see cref="GradOutputFunction"/>) once per backward pass.
    /// </summary>
    internal Tensor QuantizeGradOutput(Tensor gradOutput)
    {
        using var _ = no_grad();
        if (GradOutputRecipe is null) // kept in high precision: watched (stats.grad), passed on unchanged
        {
            Probe.RecordGradOutput(gradOutput);
            return gradOutput.alias();
        }

        using var amax = ScaleMath.Amax(gradOutput);
        if (!_enabled) // a high-precision warmup: the amax only (calibration reads it), the gradient passed on unchanged
        {
            using (var row = amax.reshape(1)) Probe.Record(LayerProbe.GradRow, row);
            return gradOutput.alias();
        }

        var (output, stats) = RoleQuantizer.Quantize(gradOutput, amax, GradOutputFormat!, _gradOutputScaling, training, Probe.CollectStats, _stochastic[LayerProbe.GradRow], Probe.Pictures);
        using (stats) Probe.Record(LayerProbe.GradRow, stats);
        Probe.RecordWhatIf(LayerProbe.GradRow, gradOutput, amax);
        Probe.RecordRange(LayerProbe.GradRow, gradOutput);
        return output;
    }

    // The input role. On stats steps a layer whose delayed input state shares its lineage with a layer that already
    // quantized this very tensor (q/k/v, gate/up) scales it alike: it quantizes without the full statistics and copies
    // that layer's vector (every value equal, bit for bit), so the error sums and the histogram run once per input.
    private Tensor QuantizeInput(Tensor x, InputStats stats)
    {
        var format = InputFormat;
        var lineage = _enabled && InputRecipe is not null && Probe.CollectStats && _stochastic[LayerProbe.InputRow] is null
            && _inputScaling is DelayedScalingState delayed ? delayed.Lineage : null; // before this step's update
        var known = lineage is null ? null : stats.QuantizerStats(lineage, format!, Probe.Pictures);
        if (known is null)
        {
            return Quantize(x, stats.Amax, _enabled ? InputRecipe : null, format, _inputScaling, LayerProbe.InputRow,
                keep: lineage is null ? null : raw => stats.RememberQuantizerStats(lineage, format!, Probe.Pictures, raw));
        }

        var (shared, own) = RoleQuantizer.Quantize(x, stats.Amax, format!, _inputScaling, training, fullStats: false);
        own.Dispose(); // its amax, amaxPred, scale, elements and overflow equal the known vector's first columns
        Probe.Record(LayerProbe.InputRow, known);
        return shared;
    }

    // One forward role given its amax: the fake quantization (or the tensor itself, amax recorded).
    // keep: takes ownership of the stats vector (else disposed here).
    private Tensor Quantize(Tensor t, Tensor amax, IScalingRecipe? recipe, INumberFormat? format, nn.Module? state, int row, Action<Tensor>? keep = null)
    {
        if (recipe is null || format is null)
        {
            using (no_grad()) Probe.Record(row, amax.reshape(1));
            return t.alias();
        }

        var (output, stats) = RoleQuantizer.Quantize(t, amax, format, state, training, Probe.CollectStats, _stochastic[row], Probe.Pictures);
        Probe.Record(row, stats);
        if (keep is null) stats.Dispose();
        else keep(stats);
        return output;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Probe.Dispose();
            foreach (var generator in _stochastic) generator?.Dispose();
        }

        base.Dispose(disposing);
    }
}
