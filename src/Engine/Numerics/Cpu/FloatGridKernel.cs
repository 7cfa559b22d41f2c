using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics.Cpu;

/// <summary>
/// <see cref="FloatGrid.RoundNearestEven"/> as one vector pass (<see cref="CpuKernel"/>): the same float32 operations
/// in the same order on each lane (clamp of |x| to max, Veltkamp's splitting c = max(σ·a, K), c - (c - a), the sign
/// of x back), so the results are the tensor-op route's bit for bit; the .NET JIT does not contract a multiply and an
/// add into a fused multiply-add, which would change the roundings.
/// </summary>
internal static class FloatGridKernel
{
    /// <summary>
    /// A new float32 tensor: <paramref name="x"/> (where <see cref="CpuKernel.Applies"/>) rounded to nearest, ties to
    /// even, onto the grid with <paramref name="mantissaBits"/> stored bits and smallest normal exponent
    /// <paramref name="minNormalExponent"/>, saturating at ±<paramref name="maxValue"/>; NaN stays NaN, the sign of zero
    /// is kept.
    /// </summary>
    public static Tensor RoundNearestEven(Tensor x, int mantissaBits, int minNormalExponent, double maxValue) =>
        RoundingPass.Into(x, empty_like(x), new Grid(mantissaBits, minNormalExponent, (float)maxValue));

    /// <summary>The constants of one grid, broadcast to vectors (see <see cref="FloatGrid"/> for σ and K).</summary>
    public readonly struct Grid : IVectorRounding
    {
        private readonly Vector<float> _sigma, _floor, _max;

        /// <summary>σ = 2^(23 - m) + 1, K = σ·2^emin, max; all exact in float32.</summary>
        public Grid(int mantissaBits, int minNormalExponent, float maxValue)
        {
            var sigma = Math.Pow(2, 23 - mantissaBits) + 1;
            _sigma = new Vector<float>((float)sigma);
            _floor = new Vector<float>((float)(sigma * Math.Pow(2, minNormalExponent)));
            _max = new Vector<float>(maxValue);
        }

        /// <summary>The grid of <paramref name="format"/>.</summary>
        public Grid(FloatFormat format) : this(format.MantissaBits, format.MinNormalExponent, (float)format.MaxValue) { }

        /// <summary>One vector of values rounded onto the grid (NaN lanes stay NaN, ±inf saturate).</summary>
        public Vector<float> Round(Vector<float> x)
        {
            var signs = Vector.AsVectorUInt32(x) & new Vector<uint>(0x8000_0000u);
            var a = Vector.MinNative(Vector.Abs(x), _max); // NaN lanes are restored at the end
            var c = Vector.MaxNative(a * _sigma, _floor);
            var h = c - (c - a);
            var signed = Vector.AsVectorSingle(Vector.AsVectorUInt32(h) | signs);
            return Vector.ConditionalSelect(Vector.Equals(x, x), signed, x);
        }
    }
}
