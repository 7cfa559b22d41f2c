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
    /// <summary>x clamped to [−<paramref name="limit"/>, <paramref name="limit"/>] (NaN passes through); a new tensor.</summary>
    public static Tensor ClampSymmetric(Tensor x, double limit)
    {
        using var min = (-limit).ToScalar();
        using var max = limit.ToScalar();
        return x.clamp(min, max);
    }
}
