using QuantScope.Engine.Numerics.Cpu;
using QuantScope.Engine.Quantization;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Numerics.Cpu;

public class FakeQuantKernelTests
{
    public static TheoryData<string, float, bool> Cases()
    {
        var data = new TheoryData<string, float, bool>();
        foreach (var name in new[] { "e4m3", "e5m2", "e2m1", "hif8" })
            foreach (var scale in new[] { 1f, 3.3f, 0.0625f })
                foreach (var full in new[] { false, true }) data.Add(name, scale, full);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Apply_Kernel_EqualsTensorOpsRoute(string name, float scaleValue, bool fullStats)
    {
        var format = NumberFormats.Get(name);
        using var scope = NewDisposeScope();
        foreach (var x in Inputs(format))
        {
            using var scale = tensor(scaleValue);
            Assert.True(FakeQuantizer.KernelApplies(x, scale, format));
            var kernel = FakeQuantizer.Apply(x, scale, format, fullStats, pictures: false);
            var ops = FakeQuantizer.ApplyTensorOps(x, scale, format, fullStats, pictures: false);
            Assert.True(KernelSweep.SameExceptNaNPayload(ops.Output, kernel.Output), $"{name} x{scaleValue}: q differs");
            AssertSameStats(ops.Stats, kernel.Stats);
        }
    }

    [Theory]
    [InlineData("e4m3")]
    [InlineData("hif8")]
    public void Apply_KernelWithPictures_EqualsTensorOpsRoute(string name)
    {
        var format = NumberFormats.Get(name);
        using var scope = NewDisposeScope();
        var x = Inputs(format).Last();
        using var scale = tensor(2f);
        var kernel = FakeQuantizer.Apply(x, scale, format, fullStats: true, pictures: true);
        var ops = FakeQuantizer.ApplyTensorOps(x, scale, format, fullStats: true, pictures: true);
        Assert.True(kernel.Stats.shape[0] > 6 + HiF8TierStats.Bins);
        AssertSameStats(ops.Stats, kernel.Stats);
    }

    [Fact]
    public void Apply_KernelRequiresGrad_ForwardIsQBitForBitAndGradientIsOnes()
    {
        using var scope = NewDisposeScope();
        var x = Inputs(FloatFormat.E4M3).Last().clone().requires_grad_(true);
        using var scale = tensor(0.75f);
        var kernel = FakeQuantizer.Apply(x, scale, HiF8Format.Instance, fullStats: true, pictures: false);
        var ops = FakeQuantizer.ApplyTensorOps(x.detach(), scale, HiF8Format.Instance, fullStats: true, pictures: false);
        Assert.True(kernel.Output.requires_grad);
        Assert.True(KernelSweep.SameExceptNaNPayload(ops.Output, kernel.Output.detach()));
        kernel.Output.sum().backward();
        Assert.All(TensorAssert.Floats(x.grad!), g => Assert.Equal(1f, g));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Apply_KernelStridedInput_EqualsTensorOpsRouteAndPassesTheGradient(bool requiresGrad)
    {
        // A transposed tensor (as a gradient out of an attention reshape may be) is read through its contiguous copy.
        using var scope = NewDisposeScope();
        using var generator = new Generator(5, CPU);
        var x = randn([300, 70], generator: generator).mul_(100).t().requires_grad_(requiresGrad);
        Assert.False(x.is_contiguous());
        using var scale = tensor(1.7f);
        var before = TensorAssert.Floats(x);
        var kernel = FakeQuantizer.Apply(x, scale, FloatFormat.E5M2, fullStats: true, pictures: false);
        var ops = FakeQuantizer.ApplyTensorOps(x.detach(), scale, FloatFormat.E5M2, fullStats: true, pictures: false);
        Assert.Equal(TensorAssert.Floats(ops.Output), TensorAssert.Floats(kernel.Output));
        AssertSameStats(ops.Stats, kernel.Stats);
        Assert.Equal(before, TensorAssert.Floats(x)); // q went into the copy, not into x
        if (!requiresGrad) return;
        kernel.Output.sum().backward();
        Assert.All(TensorAssert.Floats(x.grad!), g => Assert.Equal(1f, g));
    }

    [Fact]
    public void Run_AnyPartCount_GivesTheSameQCountsAndSumsBitForBit()
    {
        // The float64 sums go per fixed chunk, the chunks in order: one, two or five parts must not change a bit.
        using var scope = NewDisposeScope();
        using var generator = new Generator(12, CPU);
        var x = randn(3 * (1 << 20) + 5, generator: generator).mul_(rand(3 * (1 << 20) + 5, generator: generator).mul_(40).sub_(20).exp2_()); // finite: the sums are numbers
        var results = new[] { 1, 2, 5 }.Select(parts =>
        {
            var q = empty_like(x);
            var totals = FakeQuantKernel.Run(x, 0.37f, q, new SaturatingHiF8Rounding(), 15f, true, HiF8TierStats.Thresholds, parts);
            return (q, totals);
        }).ToArray();
        foreach (var (q, totals) in results[1..])
        {
            Assert.True(CpuKernel.Floats(results[0].q).SequenceEqual(CpuKernel.Floats(q)));
            Assert.Equal(results[0].totals with { Bins = [] }, totals with { Bins = [] });
            Assert.Equal(results[0].totals.Bins, totals.Bins);
        }

        Assert.True(results[0].totals.ErrorEnergy > 0 && results[0].totals.Bins.Sum() == x.numel());
    }

    [Fact]
    public void Apply_KernelHandValues_CountsAndSumsExactly()
    {
        // E4M3, scale 2: 0.53125 -> 1.0625 (tie -> 1) -> 0.5; 300 -> 600 -> 448 -> 224 (overflow); 1e-4 -> 2e-4 below
        // half the smallest subnormal 2^-9 -> 0 (underflow); NaN overflows; 0 stays 0.
        using var x = tensor(new[] { 0.53125f, 300f, 1e-4f, float.NaN, 0f, -0.375f });
        using var scale = tensor(2f);
        var result = FakeQuantizer.Apply(x, scale, FloatFormat.E4M3, fullStats: true, pictures: false);
        float[] expected = [0.5f, 224f, 0f, float.NaN, 0f, -0.375f];
        var q = TensorAssert.Floats(result.Output);
        for (var i = 0; i < q.Length; i++) TensorAssert.BitEqual(expected[i], q[i], $"[{i}]");
        var stats = result.Stats.data<double>().ToArray();
        Assert.Equal([6, 2, 5, 4], stats[..4]);
        Assert.True(double.IsNaN(stats[4]) && double.IsNaN(stats[5])); // NaN input: NaN sums, as the tensor route
        Assert.All(stats[6..], b => Assert.Equal(-1, b));

        using var finite = tensor(new[] { 0.53125f, 300f, 1e-4f, -0.375f });
        var sums = FakeQuantizer.Apply(finite, scale, FloatFormat.E4M3, fullStats: true, pictures: false).Stats.data<double>().ToArray();
        double e0 = 0.5 - 0.53125f, e1 = 224 - 300.0, e2 = 1e-4f;
        Assert.Equal(e0 * e0 + e1 * e1 + e2 * e2, sums[4], 12);
        Assert.Equal((double)0.53125f * 0.53125f + 300.0 * 300 + (double)1e-4f * 1e-4f + 0.375 * 0.375, sums[5], 12);
    }

    [Fact]
    public void QuantizeClamped_Kernel_RoundsInPlaceLikeTheTensorOps()
    {
        using var scope = NewDisposeScope();
        var x = Inputs(FloatFormat.E4M3).Last();
        var clamped = x.clamp(-448, 448);
        var reference = FloatQuantizer.QuantizeByExponent(clamped, FloatFormat.E4M3);
        var rounded = FloatQuantizer.QuantizeClamped(clamped, x, FloatFormat.E4M3);
        Assert.Same(clamped, rounded);
        Assert.True(KernelSweep.SameExceptNaNPayload(reference, rounded));
    }

    // Edge values (NaN, ±inf, ±0, subnormals, grid points and their ties, the overflow edge), odd lengths (vector
    // tails), and a wide random tensor of 3·2^20 + 5 elements (several parts and chunks, a tail).
    private static IEnumerable<Tensor> Inputs(INumberFormat format)
    {
        var grid = format.RepresentableValues().Select(v => (float)v).ToArray();
        var ties = grid.Zip(grid.Skip(1), (a, b) => (a + b) / 2).ToArray();
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-45f, -1e-45f, 1e-40f, float.MaxValue, 15f, 15.000001f, 40960f, 32768f];
        float[] all = [.. grid, .. ties, .. specials, .. grid.Select(v => -v), .. ties.Select(v => -v)];
        yield return tensor(all);
        yield return tensor(all[..7]);
        yield return tensor(all[..33]);
        using var generator = new Generator(11, CPU);
        using var exponent = rand(3 * (1 << 20) + 5, generator: generator).mul_(60).sub_(30);
        var wide = randn(3 * (1 << 20) + 5, generator: generator).mul_(exponent.exp2_());
        wide[17] = tensor(float.NaN);
        wide[100_000] = tensor(float.PositiveInfinity);
        yield return wide;
    }

    private static void AssertSameStats(Tensor expected, Tensor actual)
    {
        var e = expected.data<double>().ToArray();
        var a = actual.data<double>().ToArray();
        Assert.Equal(e.Length, a.Length);
        for (var i = 0; i < e.Length; i++)
        {
            if (double.IsNaN(e[i])) Assert.True(double.IsNaN(a[i]), $"[{i}]: expected NaN, got {a[i]}");
            else if (i is 4 or 5 && double.IsFinite(e[i])) Assert.True(Math.Abs(e[i] - a[i]) <= 1e-5 * Math.Abs(e[i]) + 1e-30, $"[{i}]: {e[i]} vs {a[i]}"); // float32 sums vs float64
            else Assert.Equal(e[i], a[i]);
        }
    }
}
