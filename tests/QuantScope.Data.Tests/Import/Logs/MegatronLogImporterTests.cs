using QuantScope.Data.Import.Logs;
using static QuantScope.Data.Tests.Import.ImportTestFiles;

namespace QuantScope.Data.Tests.Import.Logs;

public sealed class MegatronLogImporterTests
{
    // Megatron-LM's training_log line and evaluate_and_print_results block, as its console prints them.
    private const string Log = """
        using world size: 8, data-parallel size: 8, tensor-model-parallel size: 1
        [before the start of training step] datetime: 2024-05-01 09:59:58
         [2024-05-01 10:00:00] iteration      120/  500000 | consumed samples:        30720 | elapsed time per iteration (ms): 812.3 | learning rate: 2.999E-04 | global batch size:   256 | lm loss: 3.217812E+00 | loss scale: 1.0 | grad norm: 0.812 | number of skipped iterations:   0 | number of nan iterations:   0 |
         [2024-05-01 10:00:01] iteration      121/  500000 | consumed samples:        30976 | elapsed time per iteration (ms): 809.9 | learning rate: 3.000E-04 | global batch size:   256 | lm loss: nan | loss scale: 1.0 | grad norm: inf | number of skipped iterations:   1 | number of nan iterations:   1 |
        ------------------------------------------------------------------------------------------------------------------
         validation loss at iteration 1000 | lm loss value: 2.912345E+00 | lm loss PPL: 1.840000E+01 | 
        ------------------------------------------------------------------------------------------------------------------
         iteration 99999999999/  500000 | lm loss: 1.0 |
        """;

    [Fact]
    public void Read_TrainingLines_PartsAtTheIterationNamedAsWritten()
    {
        var series = Read(MegatronLogImporter.Read, Log);

        var scalars = ScalarTuples(series);
        Assert.Equal(
            [(120, "consumed samples", 30720f), (120, "elapsed time per iteration (ms)", 812.3f), (120, "global batch size", 256f),
             (120, "grad norm", 0.812f), (120, "learning rate", 2.999e-4f), (120, "lm loss", 3.217812f), (120, "loss scale", 1f),
             (120, "number of nan iterations", 0f), (120, "number of skipped iterations", 0f)],
            scalars[..9]);
        Assert.Contains((121, "grad norm", float.PositiveInfinity), scalars);
        Assert.True(float.IsNaN(scalars.Single(p => p is (121, "lm loss", _)).Item3));
        Assert.Equal(["line 8: iteration '99999999999' is not a whole number 0..2147483647"], series.Skipped);
    }

    [Fact]
    public void Read_ValidationLine_ValidationPrefixWithoutTheValueSuffix()
    {
        var series = Read(MegatronLogImporter.Read, Log);

        var validation = ScalarTuples(series).Where(p => p.Item2.StartsWith(MegatronLogImporter.ValidationPrefix, StringComparison.Ordinal)).ToArray();
        Assert.Equal([(1000, "validation/lm loss", 2.912345f), (1000, "validation/lm loss PPL", 18.4f)], validation);
    }

    [Fact]
    public void Read_NeMo2ProgressLine_SameShapeReadsToo()
    {
        // NeMo 2's Megatron progress bar: an epoch before the iteration, snake_case names.
        const string line = "Training epoch 0, iteration 120/499999 | lr: 2.999e-04 | global_batch_size: 256 | global_step: 120 | reduced_train_loss: 3.218 | train_step_timing in s: 0.8123 | consumed_samples: 30976\n";
        var series = Read(MegatronLogImporter.Read, line);

        Assert.Equal(
            [(120, "consumed_samples", 30976f), (120, "global_batch_size", 256f), (120, "global_step", 120f), (120, "lr", 2.999e-4f),
             (120, "reduced_train_loss", 3.218f), (120, "train_step_timing in s", 0.8123f)],
            ScalarTuples(series));
    }

    [Fact]
    public void Confidence_IterationLine_High() =>
        Assert.Equal(0.95, MegatronLogImporter.Confidence(Log.Split('\n')));

    [Fact]
    public void Confidence_NoIterationLine_Zero() =>
        Assert.Equal(0, MegatronLogImporter.Confidence(["iteration=5 loss=2", "step 1 | loss: 2"]));
}
