using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Error statistics of a quantized tensor against its original, fused for cost (see STACK-FACTS: counting with
/// <c>count_nonzero</c> and squaring with <c>dot</c> keeps them a few percent of a step): underflow fraction, MSE and
/// SQNR. All results are 0-d float32 device tensors; nothing syncs.
/// </summary>
public static class QuantErrorStats
{
    /// <summary>SQNR reported for a lossless tensor (no error at all), dB.</summary>
    public const double LosslessSqnrDb = 300.0;

    /// <summary>
    /// [underflowFraction, mse, sqnrDb] of <paramref name="q"/> (the dequantized values) against <paramref name="x"/>:
    /// underflow = (nonzero elements of x that became 0) / all elements; mse = mean((q - x)²) in x's units squared;
    /// sqnr = 10·log10(Σx² / Σ(q - x)²) dB, <see cref="LosslessSqnrDb"/> when q = x.
    /// </summary>
    public static Tensor Compute(Tensor x, Tensor q)
    {
        using var scope = NewDisposeScope();
        var n = Math.Max(1, x.numel());
        var flatX = x.detach().reshape(-1);
        var flatQ = q.detach().reshape(-1);
        // q is 0 wherever x is 0 (every format keeps zero), so the difference of the counts is the underflow count.
        var underflow = flatX.count_nonzero().sub(flatQ.count_nonzero()).to(ScalarType.Float32).div_(n);
        var diff = flatQ.sub(flatX);
        var errorEnergy = diff.dot(diff);
        var signalEnergy = flatX.dot(flatX);
        var mse = errorEnergy.div(n);
        var floor = signalEnergy.mul(Math.Pow(10, -LosslessSqnrDb / 10)).clamp_min(1e-38);
        var sqnr = signalEnergy.div(errorEnergy.maximum(floor)).log10_().mul_(10);
        var lossless = errorEnergy.eq(0);
        sqnr = where(lossless, full_like(sqnr, LosslessSqnrDb), sqnr);
        return stack([underflow, mse, sqnr]).MoveToOuterDisposeScope();
    }

    /// <summary>Fraction of elements of the scaled tensor above <paramref name="limit"/> in magnitude (NaN counts too).</summary>
    public static Tensor OverflowFraction(Tensor scaled, double limit)
    {
        using var scope = NewDisposeScope();
        // Elements beyond ±limit are exactly those changed by the clamp (count_nonzero is far cheaper than bool.sum()).
        var clipped = scaled.sub(scaled.clamp(-limit, limit));
        return clipped.count_nonzero().to(ScalarType.Float32).div_(Math.Max(1, scaled.numel())).MoveToOuterDisposeScope();
    }
}
