using QuantScope.Data.Import;
using QuantScope.Data.Import.Logs;
using static QuantScope.Data.Tests.Import.ImportTestFiles;

namespace QuantScope.Data.Tests.Import.Logs;

public sealed class KvLogImporterTests
{
    [Fact]
    public void Read_TrainingLog_StepsPairsSuffixesAndUnits()
    {
        const string text = """
            [2026-01-01 10:00:00] starting training with model=llama mode=train
            step=1/100 | loss=2.5 | lr=3e-4 | tokens=1.05M | time=8.77s | tok/s=3.2k | mem=4G
            some noise line without pairs
            step=2/100 loss=2.25 lr=3e-4 batch=1,024 dt=12ms mfu=3.1% mode=train
            step=abc loss=9
            step=3 loss=nan
            """;
        var series = Read(KvLogImporter.Read, text);

        var scalars = ScalarTuples(series);
        Assert.Equal(
            [
                (1, "loss", 2.5f), (1, "lr", 3e-4f), (1, "mem", 4e9f), (1, "time", 8.77f), (1, "tok/s", 3200f), (1, "tokens", 1050000f),
                (2, "batch", 1024f), (2, "dt", 12f), (2, "loss", 2.25f), (2, "lr", 3e-4f), (2, "mfu", 3.1f),
            ],
            scalars[..^1]);
        Assert.Equal((3, "loss"), (scalars[^1].Item1, scalars[^1].Item2));
        Assert.True(float.IsNaN(scalars[^1].Item3));
        Assert.Equal(["line 5: step 'abc' is not a whole number 0..2147483647"], series.Skipped);
    }

    [Fact]
    public void Read_OlmoStepBlocks_IndentedValuesBelongToTheStepAbove()
    {
        // OLMo's console: a step header, then one indented name=value a line (ints with thousands separators).
        const string text = """
            2024-05-01 10:00:00 INFO [step=120/15000,epoch=0]
                train/CrossEntropyLoss=2.998
                train/Perplexity=20.05
                optim/total_grad_norm=0.71
                throughput/total_tokens=503,316,480
            2024-05-01 10:00:05 INFO Saving checkpoint
                not_a_metric=1.5
            2024-05-01 10:00:09 INFO [step=121/15000,epoch=0]
                train/CrossEntropyLoss=nan
            """;
        var series = Read(KvLogImporter.Read, text);

        var scalars = ScalarTuples(series);
        Assert.Equal(
            [(120, "optim/total_grad_norm", 0.71f), (120, "throughput/total_tokens", 503316480f), (120, "train/CrossEntropyLoss", 2.998f),
             (120, "train/Perplexity", 20.05f)],
            scalars[..4]);
        Assert.Equal((121, "train/CrossEntropyLoss"), (scalars[4].Item1, scalars[4].Item2));
        Assert.True(float.IsNaN(scalars[4].Item3));
        Assert.Equal(5, scalars.Length);
        Assert.Empty(series.Skipped);
    }

    [Fact]
    public void Read_LightningProgressBar_GlobalStepAndCommaSeparatedPairs()
    {
        // A NeMo / Lightning progress bar with the step among the postfix pairs.
        const string text = "Epoch 0:  10%|█         | 100/1000 [00:30<04:30, 3.30it/s, v_num=0, reduced_train_loss=3.210, global_step=99.0, lr=0.0003]\n";
        var series = Read(KvLogImporter.Read, text);

        Assert.Equal([(99, "lr", 0.0003f), (99, "reduced_train_loss", 3.21f), (99, "v_num", 0f)], ScalarTuples(series));
    }

    [Fact]
    public void Read_StepPairNamed_ThatPairIsTheStep()
    {
        var series = new ImportedSeries();
        using var stream = new MemoryStream("step=1 samples=256 loss=2.5\nstep=2 samples=512 loss=2.25\n"u8.ToArray());
        KvLogImporter.Read(stream, series, "samples", CancellationToken.None);

        Assert.Equal([(256, "loss", 2.5f), (512, "loss", 2.25f)], ScalarTuples(series));
    }

    [Theory]
    [InlineData("INFO [step=1/10]\n    loss=2.5\n", 0.7)]
    [InlineData("step=1 loss=2.5\nstep=2 loss=2.4\n", 0.5)]
    [InlineData("loss=2.5\n", 0)]
    public void Confidence_FirstLines_ByShape(string text, double expected) =>
        Assert.Equal(expected, KvLogImporter.Confidence(text.Split('\n')));
}
