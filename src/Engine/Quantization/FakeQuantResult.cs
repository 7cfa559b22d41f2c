using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>What <see cref="FakeQuantizer.Apply"/> returns.</summary>
/// <param name="Output">Q(x·scale)/scale in the forward pass, identity gradient to x in the backward pass; x's shape.</param>
/// <param name="Stats">float64 device vector of raw counts and sums, the <see cref="RawStatsLayout"/> columns from
/// <see cref="RoleQuantizer.Elements"/> on: [elements, overflow count] (elements with |x·scale| above the scaling target; NaN counts too), or with
/// full stats also <see cref="QuantErrorStats"/>' [nonzero x, nonzero q, Σ(q - x)², Σx²] (the sums float64 on the CPU
/// kernel's route, float32 converted on the tensor-op route) and <see cref="HiF8TierStats"/>' 8
/// magnitude bins (-1 for other formats). The host
/// turns them into fractions, MSE and SQNR (<see cref="LayerStatsFinalizer"/>).</param>
public readonly record struct FakeQuantResult(Tensor Output, Tensor Stats)
{
    /// <summary>The overflow fraction alone: overflow count / elements (a new 0-d float32 tensor).</summary>
    public Tensor Saturation
    {
        get
        {
            using var overflow = Stats[1];
            using var elements = Stats[0];
            using var fraction = overflow.div(elements);
            return fraction.to(ScalarType.Float32);
        }
    }
}
