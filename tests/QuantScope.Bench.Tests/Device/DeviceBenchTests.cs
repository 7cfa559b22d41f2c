using QuantScope.Bench.Device;
using QuantScope.Engine.Devices;
using QuantScope.Engine.Training;

namespace QuantScope.Bench.Tests.Device;

/// <summary>The device bench's argument reading, plans, configs and math: no trainer runs, no wall time asserted.</summary>
public sealed class DeviceBenchTests
{
    private static readonly CudaInventory CpuBuild = new(BuildHasCuda: false, DeviceCount: 0);
    private static readonly CudaInventory TwoGpus = new(BuildHasCuda: true, DeviceCount: 2);

    [Theory]
    [InlineData("cpu", "cpu")]
    [InlineData("CPU", "cpu")]
    [InlineData("cuda", "cuda")]
    [InlineData("cuda:1", "cuda:1")]
    public void Choose_DeviceThisHostHas_ReturnsIt(string text, string expected)
    {
        var (device, error) = DeviceBench.Choose(text, TwoGpus);

        Assert.Null(error);
        Assert.Equal(expected, device.ToString());
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:0")]
    public void Choose_CudaOnCpuBuild_RefusesWithTheResolversReason(string text)
    {
        var (device, error) = DeviceBench.Choose(text, CpuBuild);

        Assert.Null(device);
        Assert.StartsWith($"--device {text}: ", error, StringComparison.Ordinal);
        Assert.Contains("CPU-only build", error, StringComparison.Ordinal);
        Assert.Contains("-p:TorchBackend=cuda", error, StringComparison.Ordinal);
        Assert.Contains(DeviceResolver.Help, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Choose_CudaNumberBeyondTheMachine_SaysHowManyThereAre()
    {
        var (device, error) = DeviceBench.Choose("cuda:2", TwoGpus);

        Assert.Null(device);
        Assert.Contains("2 CUDA devices (cuda:0 to cuda:1)", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("auto")] // the bench names its device: auto would time a different device per machine
    [InlineData("")]
    public void Choose_NotCpuOrCuda_SaysWhatToUse(string text)
    {
        var (device, error) = DeviceBench.Choose(text, TwoGpus);

        Assert.Null(device);
        Assert.Equal($"--device '{text}': use cpu, cuda or cuda:N", error);
    }

    [Fact]
    public void RunDevice_CudaOnCpuBuild_ExitsTwoWithTheReasonAndRunsNothing()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = BenchCommand.RunDevice("cuda", null, CpuBuild, stdout, stderr);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout.ToString());
        Assert.StartsWith("bench: --device cuda: 'cuda' is not available: this is a CPU-only build", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RunDevice_UnknownModel_ExitsTwoNamingIt()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = BenchCommand.RunDevice("cpu", "demo,huge", CpuBuild, stdout, stderr);

        Assert.Equal(2, exit);
        Assert.Equal("bench: --models: unknown model 'huge'; use demo, small, base" + Environment.NewLine, stderr.ToString());
    }

    [Fact]
    public async Task Command_DeviceCudaOnThisCpuBuild_ExitsTwo()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await BenchCommand.Create(stdout, stderr).Parse(["--device", "cuda"]).InvokeAsync();

        Assert.Equal(2, exit);
        Assert.Contains("CPU-only build", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void For_Cpu_SmallBatchesAndOneRoundWithBaseShrunkAndSaidSo()
    {
        var plan = DeviceBenchPlan.For(DeviceSetting.Cpu);

        Assert.Equal(["demo", "small", "base"], plan.Models.Select(m => m.Model));
        Assert.Equal(1, plan.Rounds);
        var b = plan.Models[2];
        Assert.Equal((2, 128), (b.BatchSize, b.SeqLen));
        Assert.NotNull(b.Note);
        Assert.All(plan.Models.Take(2), m => Assert.Null(m.Note));
    }

    [Fact]
    public void For_CudaWithModels_KeepsOnlyThoseWithGpuBatches()
    {
        var plan = DeviceBenchPlan.For(DeviceSetting.Parse("cuda"), ["base"]);

        var b = Assert.Single(plan.Models);
        Assert.Equal(("base", 8, 1024), (b.Model, b.BatchSize, b.SeqLen));
        Assert.Equal(2, plan.Rounds);
    }

    [Fact]
    public void Config_EveryVariantOfEveryModel_IsValidOnItsDeviceWithWholeWindows()
    {
        foreach (var device in new[] { DeviceSetting.Cpu, DeviceSetting.Parse("cuda:0") })
        {
            foreach (var model in DeviceBenchPlan.For(device).Models)
            {
                for (var v = 0; v < DeviceBench.Variants.Count; v++)
                {
                    var config = DeviceBench.Config(model, v, device);
                    // The device itself is the resolver's question (cuda is refused on this build): check the rest.
                    var result = ConfigValidator.Validate(config with { Device = DeviceSetting.Cpu });
                    Assert.True(result.Value is not null, $"{model.Model} {DeviceBench.Variants[v].Name}: {result.Describe()}");
                    Assert.Equal(device, config.Device);
                    Assert.Equal(DeviceBench.Window, config.LogEvery);
                    Assert.Equal(DeviceBench.Window * (1 + model.TimedWindows), config.Steps);
                    Assert.Equal((model.BatchSize, model.SeqLen), (config.BatchSize, config.SeqLen));
                }
            }
        }
    }

    [Fact]
    public void Rows_OverheadsEveryStepFromMediansEveryTenFromMeans()
    {
        // Variants: bf16, fp8, fp8 + diagnostics every step, fp8 + diagnostics every 10.
        IReadOnlyList<IReadOnlyList<double>> samples =
        [
            [80, 80, 80], [100, 100, 100], [110, 110, 900], [100, 100, 106],
        ];
        var rows = DeviceBench.Rows(new DeviceBenchModel("demo", 16, 64, 1), samples);

        Assert.Equal(16 * 64 * 1000.0 / 80, rows[0].TokensPerSecond);
        Assert.Equal([null, null], rows.Take(2).Select(r => r.Overhead));
        Assert.Equal(1.10, rows[2].Overhead!.Value, 9); // the 900 outlier does not move the median
        Assert.Equal(1.02, rows[3].Overhead!.Value, 9); // mean 102 / mean 100: the one paying step counts
        Assert.Equal([DeviceBench.EveryStepTarget, DeviceBench.EveryTenTarget], rows.Skip(2).Select(r => r.Target!.Value));
    }

    [Fact]
    public void TargetText_GpuSaysMetOrMissedCpuDefersToGpu()
    {
        var row = new DeviceBenchRow("base", "fp8 + diagnostics every step", 30, 105, 105, 1, 1.04, 1.05);

        Assert.Equal("<= 1.05 met", DeviceBench.TargetText(row, gpu: true));
        Assert.Equal("<= 1.05 MISSED", DeviceBench.TargetText(row with { Overhead = 1.2 }, gpu: true));
        Assert.Equal("<= 1.05 (target applies on GPU)", DeviceBench.TargetText(row, gpu: false));
        Assert.Equal("", DeviceBench.TargetText(row with { Overhead = null, Target = null }, gpu: true));
    }
}
