using TorchSharp;
using QuantScope.Engine.Numerics;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Delayed-scaling math as small pure tensor functions (no host sync: everything stays on the tensors' device).
/// Conventions follow Transformer Engine: <c>scale</c> multiplies the tensor before the cast, so
/// scale = format_max / amaxPred / 2^margin, and the history's index 0 is the most recent step.
/// </summary>
public static class ScaleMath
{
    // Numbers handed to TorchSharp are Scalars held here (see Numerics/ScalarOps: a temporary can be freed mid-call).
    private static readonly Scalar FloatMax = float.MaxValue.ToScalar(), ZeroDouble = 0.0.ToScalar();

    /// <summary>
    /// HiF8's scaling target (max_val): Ascend's HiF8 training scales amax to 15, far below the format max (2^15),
    /// keeping values in the tapered-precision middle of the grid where mantissa bits remain.
    /// </summary>
    public const double HiF8MaxVal = 15.0;

    /// <summary>Names accepted by <see cref="ParseAlgorithm"/>.</summary>
    public static IReadOnlyList<string> AlgorithmNames => Configuration.WireNames<AmaxAlgorithm>.All;

    /// <summary>The value amaxPred is scaled to: <see cref="HiF8MaxVal"/> for HiF8, the format max otherwise.</summary>
    public static double TargetMax(INumberFormat format) =>
        format is HiF8Format ? HiF8MaxVal : format.MaxValue;

    /// <summary>Parses a recipe's <c>amaxComputeAlgo</c> ("max", "most_recent" or "mean").</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static AmaxAlgorithm ParseAlgorithm(string name) =>
        Configuration.WireNames<AmaxAlgorithm>.TryParse(name, out var algorithm)
            ? algorithm
            : throw new ArgumentException($"Unknown amax algorithm '{name}'.", nameof(name));

    /// <summary>Absolute maximum of a tensor as a 0-d tensor; NaN if any element is NaN. Uses aminmax (one pass, no abs copy).</summary>
    public static Tensor Amax(Tensor x)
    {
        using var _ = no_grad();
        var (min, max) = x.aminmax();
        using (min)
        using (max)
        {
            return maximum(min.neg(), max); // maximum propagates NaN
        }
    }

    /// <summary>The amax prediction from a history window.</summary>
    /// <param name="history">[H] amax values, index 0 = most recent step.</param>
    /// <param name="algorithm">Max over the window, the most recent value, or the mean of the filled slots.</param>
    /// <param name="filled">How many slots (from index 0) hold real amax values; the rest are the zero fill of a fresh
    /// history. Only the mean uses it (zeros cannot raise a max of non-negative amax). Clamped to 1..H.</param>
    /// <returns>0-d tensor; NaN when the window holds a NaN (max, mean) or the latest is NaN (most recent).</returns>
    public static Tensor AmaxPred(Tensor history, AmaxAlgorithm algorithm, int filled = int.MaxValue) => algorithm switch
    {
        AmaxAlgorithm.Max => history.max(),
        AmaxAlgorithm.MostRecent => history[0].clone(),
        AmaxAlgorithm.Mean => MeanOfFilled(history, filled),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    private static Tensor MeanOfFilled(Tensor history, int filled)
    {
        var n = (int)Math.Clamp(filled, 1, history.shape[0]);
        using var head = history.narrow(0, 0, n);
        return head.mean();
    }

    /// <summary>
    /// scale = formatMax / amaxPred / 2^margin. When amaxPred is 0, negative, NaN or ±inf the previous scale is kept
    /// (there is nothing sensible to scale by). When amaxPred is so tiny that the quotient overflows float32, the
    /// scale is float32's max (as TE does) rather than +inf.
    /// </summary>
    /// <param name="formatMax">Largest finite value of the target format (448 for E4M3).</param>
    /// <param name="amaxPred">0-d float tensor.</param>
    /// <param name="margin">Extra headroom in powers of two.</param>
    /// <param name="previousScale">0-d float tensor, kept when amaxPred is unusable.</param>
    /// <returns>A new 0-d tensor.</returns>
    public static Tensor ComputeScale(double formatMax, Tensor amaxPred, int margin, Tensor previousScale)
    {
        using var _ = no_grad();
        // (max / 2^margin) is exact; one correctly rounded division then gives the float32 nearest to the true scale.
        using var headroomMax = (formatMax / Math.Pow(2, margin)).ToScalar(); // held: see ScalarOps
        using var numerator = full_like(amaxPred, headroomMax);
        using var fresh = numerator.div(amaxPred).clamp_max_(FloatMax); // amax 0 -> inf here, replaced below
        using var positive = amaxPred.gt(ZeroDouble);
        using var finite = amaxPred.isfinite();
        using var usable = positive.logical_and_(finite);
        return where(usable, fresh, previousScale);
    }

    /// <summary>
    /// The update rule shared by <see cref="DelayedScalingState"/> and the managed replay: after the
    /// <paramref name="updates"/>-th history update (1-based), amaxPred and the scale are recomputed on the first update
    /// and then on every <paramref name="updatePeriod"/>-th; in between the scale is held.
    /// </summary>
    public static bool RecomputesAt(int updates, int updatePeriod) => updates == 1 || updates % updatePeriod == 0;

    /// <summary>
    /// Managed twin of <see cref="AmaxPred(Tensor, AmaxAlgorithm, int)"/> in float32 (for replays on the host): the
    /// same window, algorithm and NaN rules. Max and most-recent are bit-identical to the tensor version (they pick one
    /// stored value); the mean may differ in the last bit (summation order).
    /// </summary>
    /// <param name="history">[H] amax values, index 0 = most recent step, zero-filled where not yet written.</param>
    /// <param name="algorithm">Max over the window, the most recent value, or the mean of the filled slots.</param>
    /// <param name="filled">Slots holding real amax values (the mean only); clamped to 1..H.</param>
    public static float AmaxPred(ReadOnlySpan<float> history, AmaxAlgorithm algorithm, int filled = int.MaxValue)
    {
        if (history.IsEmpty) throw new ArgumentException("The history is empty.", nameof(history));
        switch (algorithm)
        {
            case AmaxAlgorithm.Max:
                var max = float.NegativeInfinity;
                foreach (var v in history)
                {
                    if (float.IsNaN(v)) return float.NaN; // torch.max propagates NaN
                    if (v > max) max = v;
                }
                return max;
            case AmaxAlgorithm.MostRecent:
                return history[0];
            case AmaxAlgorithm.Mean:
                var n = Math.Clamp(filled, 1, history.Length);
                var sum = 0f;
                for (var i = 0; i < n; i++) sum += history[i];
                return sum / n;
            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm));
        }
    }

    /// <summary>
    /// Managed twin of <see cref="ComputeScale(double, Tensor, int, Tensor)"/> in float32, bit-identical to it:
    /// scale = (float)(formatMax / 2^margin) / amaxPred (one float32 division), at most float32's max, and
    /// <paramref name="previousScale"/> when amaxPred is 0, negative, NaN or ±inf.
    /// </summary>
    public static float ComputeScale(double formatMax, float amaxPred, int margin, float previousScale)
    {
        if (!(amaxPred > 0f) || !float.IsFinite(amaxPred)) return previousScale;
        var numerator = (float)(formatMax / Math.Pow(2, margin));
        return Math.Min(numerator / amaxPred, float.MaxValue);
    }
}
