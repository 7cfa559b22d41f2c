using QuantScope.Engine.Numerics;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// A linear layer (y = x·Wᵀ + b) that fake-quantizes its input and its weight, each with its own
/// <see cref="DelayedScalingState"/> (children <c>input_scaling</c>, <c>weight_scaling</c>). Parameter names match
/// torch's Linear (<c>weight</c> [out, in], optional <c>bias</c> [out]) so checkpoints map 1:1.
/// <para>
/// Every forward writes the step's stats into the device buffer <see cref="Stats"/> (no host sync). When built without
/// a recipe the layer runs in full precision and records only amax (other columns stay 0): amax still shows the
/// activation ranges and locates non-finite values.
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
    private readonly DelayedScalingState? _inputScaling;
    [ComponentName(Name = "weight_scaling")]
    private readonly DelayedScalingState? _weightScaling;
    [ComponentName(Name = "stats")]
    private readonly Tensor _stats;

    /// <summary>Creates the layer with zero weights (the model initialises them from its seed).</summary>
    /// <param name="name">Module name (the last part of the full name, e.g. <c>q_proj</c>).</param>
    /// <param name="inFeatures">Input width.</param>
    /// <param name="outFeatures">Output width.</param>
    /// <param name="hasBias">Whether to add a bias (Llama projections have none).</param>
    /// <param name="recipe">Delayed scaling recipe; null = full precision.</param>
    public QuantLinear(string name, long inFeatures, long outFeatures, bool hasBias, DelayedScalingRecipe? recipe) : base(name)
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

        if (recipe is not null)
        {
            Format = FloatFormat.FromName(recipe.Format);
            _inputScaling = new DelayedScalingState("input_scaling", recipe, Format);
            _weightScaling = new DelayedScalingState("weight_scaling", recipe, Format);
            register_module("input_scaling", _inputScaling);
            register_module("weight_scaling", _weightScaling);
        }

        _stats = zeros(LayerStatsLayout.Roles.Count, LayerStatsLayout.Metrics.Count);
        register_buffer("stats", _stats, persistent: false);
    }

    /// <summary>Input width.</summary>
    public long InFeatures { get; }

    /// <summary>Output width.</summary>
    public long OutFeatures { get; }

    /// <summary>The quantization format, or null when the layer runs in full precision.</summary>
    public FloatFormat? Format { get; }

    /// <summary>True when input and weight are fake-quantized.</summary>
    public bool IsQuantized => Format is not null;

    /// <summary>[out, in] weight.</summary>
    public Parameter Weight => _weight;

    /// <summary>[out] bias or null.</summary>
    public Parameter? Bias => _bias;

    /// <summary>Scaling state of the input role, or null when unquantized.</summary>
    public DelayedScalingState? InputScaling => _inputScaling;

    /// <summary>Scaling state of the weight role, or null when unquantized.</summary>
    public DelayedScalingState? WeightScaling => _weightScaling;

    /// <summary>
    /// Live [roles, metrics] stats of the latest forward (layout: <see cref="LayerStatsLayout"/>); device-side,
    /// overwritten by each forward. Copy it before the next forward if you need it.
    /// </summary>
    public Tensor Stats => _stats;

    /// <summary>x [..., in] -> [..., out]. In training mode each call advances both scaling states by one step.</summary>
    public override Tensor forward(Tensor x)
    {
        using var input = Prepare(x, _inputScaling, 0);
        using var weight = Prepare(_weight, _weightScaling, 1);
        return nn.functional.linear(input, weight, _bias);
    }

    private Tensor Prepare(Tensor t, DelayedScalingState? state, int row)
    {
        using var amax = ScaleMath.Amax(t);
        if (state is null || Format is null)
        {
            using (no_grad()) _stats[row][0].copy_(amax);
            return t.alias();
        }

        var (scale, pred) = state.ScaleFor(amax);
        using (scale)
        using (pred)
        {
            var result = FakeQuantizer.Apply(t, scale, Format);
            using (result.Saturation)
            using (no_grad())
            using (var row4 = stack([amax, pred, scale, result.Saturation]))
            {
                _stats[row].copy_(row4);
            }

            if (training) state.Update(amax);
            return result.Output;
        }
    }
}
