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
}
