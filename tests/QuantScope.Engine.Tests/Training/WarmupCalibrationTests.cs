using QuantScope.Engine.Analysis.Diagnosis;

namespace QuantScope.Engine.Tests.Training;

/// <summary>
/// <c>quant.calibrateInWarmup</c> on a real tiny run: the first QAT step's predicted amax (input; output gradient with the
/// hybrid preset, which quantizes gradients) is the largest amax the BF16 warmup recorded (the history was filled from
/// it); without calibration the history starts empty and the first QAT step scales by its own amax.
/// </summary>
public sealed class WarmupCalibrationTests
{
    private const int Warmup = 5;

    private static readonly TrainConfig Config = TrainConfig.Tiny with
    {
        Steps = 8, Bf16WarmupSteps = Warmup, Quant = new QuantConfig { Preset = "fp8-delayed", Algorithm = AmaxAlgorithm.Max, HistoryLength = 16 },
    };

    private static (LayerSeries Amax, LayerSeries Pred) Run(TrainConfig config, string role = TensorRoles.Input)
    {
        var input = StudyRunner.RunOne(config, cacheDirectory: null).Input;
        return (input.Layer(MetricCatalog.Amax, role)!, input.Layer(MetricCatalog.AmaxPred, role)!);
    }

    private static float[] At(LayerSeries series, int step) => series.Values[Array.IndexOf(series.Steps, step)];

    [Theory]
    [InlineData("fp8-delayed", TensorRoles.Input)]
    [InlineData("fp8-hybrid-delayed", TensorRoles.GradOutput)] // the warmup's backward passes record the gradient's amax
    public void Run_CalibrateInWarmup_FirstQatStepPredictsTheWarmupsLargestAmax(string preset, string role)
    {
        var (amax, pred) = Run(Config with { Quant = Config.Quant! with { Preset = preset, CalibrateInWarmup = true } }, role);

        var expected = Enumerable.Range(0, amax.Values[0].Length).Select(l => Enumerable.Range(0, Warmup).Max(s => At(amax, s)[l])).ToArray();
        Assert.Equal(expected, At(pred, Warmup));
    }

    [Theory]
    [InlineData("fp8-delayed", TensorRoles.Input)]
    [InlineData("fp8-hybrid-delayed", TensorRoles.GradOutput)]
    public void Run_NoCalibration_FirstQatStepScalesByItsOwnAmax(string preset, string role)
    {
        var (amax, pred) = Run(Config with { Quant = Config.Quant! with { Preset = preset } }, role);

        Assert.Equal(At(amax, Warmup), At(pred, Warmup));
    }
}
