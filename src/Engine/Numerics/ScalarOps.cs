using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// Tensor ops that take numbers, done with held Scalars. TorchSharp 0.107 turns a number passed to an op into a
/// temporary <see cref="Scalar"/>, reads its native handle and drops the reference, so the GC may free it while the
/// native op still reads it ("Expected false to be true … toFloat" / "Unknown scalar type", or a wrong value). The
/// engine therefore passes only Scalars it holds: static fields for constants, <c>using var</c> locals (alive until
/// the op has returned) for values, or these helpers. tests/…/Hygiene/HeldScalarTests checks the whole engine.
/// </summary>
internal static class ScalarOps
{
    /// <summary>1 (int), held: the alpha of <c>a.add(b, One)</c>. TorchSharp's own <c>a.add(b)</c> passes a temporary 1.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>2 (int), held: <c>x.pow(Two)</c> is what TorchSharp's <c>square()</c> does with a temporary 2.</summary>
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary>0 (int), held.</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>x clamped to [−<paramref name="limit"/>, <paramref name="limit"/>] (NaN passes through); a new tensor.</summary>
    public static Tensor ClampSymmetric(Tensor x, double limit)
    {
        using var min = (-limit).ToScalar();
        using var max = limit.ToScalar();
        return x.clamp(min, max);
    }
}
