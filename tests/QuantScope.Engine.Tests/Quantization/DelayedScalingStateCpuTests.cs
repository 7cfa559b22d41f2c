using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

/// <summary>
/// <see cref="DelayedScalingState.Update"/>'s CPU route (float32 amax: the buffers written through their memory) against
/// its tensor route (taken for a float64 amax, which the state converts to float32 with tensor ops): the same history,
/// amaxPred and scale bit for bit after every step, over amax values that include 0, NaN, ±inf, subnormals and spikes.
/// </summary>
public class DelayedScalingStateCpuTests
{
    private static readonly float[] Amaxes = [3f, 0f, 5f, float.NaN, 1e-30f, 1e-45f, float.PositiveInfinity, 2f, 448f, 0.125f, 7f, 7f, 1f, 1f, 1f, 1f];

    public static TheoryData<string, int, int, int, string> Recipes => new()
    {
        { "max", 4, 0, 1, "e4m3" },
        { "max", 1, 2, 1, "e5m2" },
        { "most_recent", 4, 0, 1, "e4m3" },
        { "max", 3, 1, 2, "hif8" },           // HiF8 scales to max_val 15; the scale recomputed every second update
        { "most_recent", 8, 3, 3, "e4m3" },
    };

    [Theory]
    [MemberData(nameof(Recipes))]
    public void Update_Float32AmaxOnTheCpu_EqualsTheTensorRouteBitForBit(string algo, int history, int margin, int period, string format)
    {
        var recipe = new DelayedScalingRecipe
        {
            AmaxHistoryLength = history, AmaxComputeAlgo = ScaleMath.ParseAlgorithm(algo), Margin = margin, UpdatePeriod = period,
        };
        var numberFormat = NumberFormats.Get(format);
        using var cpu = new DelayedScalingState("cpu", recipe, numberFormat);
        using var reference = new DelayedScalingState("ref", recipe, numberFormat);
        for (var step = 0; step < Amaxes.Length; step++)
        {
            using var single = full(Array.Empty<long>(), Amaxes[step], dtype: ScalarType.Float32);
            using var wide = full(Array.Empty<long>(), (double)Amaxes[step], dtype: ScalarType.Float64);
            var (cpuScale, cpuPred) = cpu.ScaleFor(single);
            var (refScale, refPred) = reference.ScaleFor(wide);
            using (cpuScale) using (cpuPred) using (refScale) using (refPred)
            {
                TensorAssert.BitEqual(TensorAssert.Scalar(refScale), TensorAssert.Scalar(cpuScale), $"scale used at step {step}");
            }

            cpu.Update(single);
            reference.Update(wide);
            var expected = TensorAssert.Floats(reference.AmaxHistory);
            var actual = TensorAssert.Floats(cpu.AmaxHistory);
            for (var i = 0; i < expected.Length; i++) TensorAssert.BitEqual(expected[i], actual[i], $"history[{i}] after step {step}");
            TensorAssert.BitEqual(TensorAssert.Scalar(reference.Scale), TensorAssert.Scalar(cpu.Scale), $"scale after step {step}");
            TensorAssert.BitEqual(TensorAssert.Scalar(reference.AmaxPred), TensorAssert.Scalar(cpu.AmaxPred), $"amaxPred after step {step}");
            Assert.Equal(reference.Updates, cpu.Updates);
        }
    }
}
