using QuantScope.Engine.Numerics;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// The state of a current-scaled tensor: only the last usable <c>scale</c> (0-d buffer), which is kept when a step's
/// amax is 0 or non-finite.
/// </summary>
public sealed class CurrentScalingState : nn.Module
{
    // Numbers handed to TorchSharp are Scalars held here (see Numerics/ScalarOps: a temporary can be freed mid-call).
    private static readonly Scalar One = 1f.ToScalar();

    [ComponentName(Name = "scale")]
    private readonly Tensor _scale;

    /// <summary>Creates the state with scale 1 on <paramref name="device"/> (null = CPU).</summary>
    public CurrentScalingState(string name, CurrentScalingRecipe recipe, INumberFormat format, Device? device = null) : base(name)
    {
        Recipe = recipe;
        Format = format;
        TargetMax = ScaleMath.TargetMax(format);
        _scale = ones(Array.Empty<long>(), dtype: ScalarType.Float32, device: device);
        register_buffer("scale", _scale);
    }

    /// <summary>The recipe.</summary>
    public CurrentScalingRecipe Recipe { get; }

    /// <summary>The target format.</summary>
    public INumberFormat Format { get; }

    /// <summary>The value amax is scaled to.</summary>
    public double TargetMax { get; }

    /// <summary>0-d last scale (live buffer: do not modify).</summary>
    public Tensor Scale => _scale;

    /// <summary>Back to scale 1 (quantization switched on again after a high-precision phase).</summary>
    public void Reset()
    {
        using var _ = no_grad();
        _scale.fill_(One);
    }

    /// <summary>The scale for this step from <paramref name="amaxNow"/> (a new 0-d tensor); remembered when <paramref name="remember"/>.</summary>
    public Tensor ScaleFor(Tensor amaxNow, bool remember)
    {
        using var _ = no_grad();
        using var amax = amaxNow.detach().to(ScalarType.Float32);
        var scale = ScaleMath.ComputeScale(TargetMax, amax, Recipe.Margin, _scale);
        if (remember) _scale.copy_(scale);
        return scale;
    }
}
