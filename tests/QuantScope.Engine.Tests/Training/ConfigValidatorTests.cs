namespace QuantScope.Engine.Tests.Training;

public class ConfigValidatorTests
{
    private static string[] Fields(TrainConfig c, string? baseDirectory = null) =>
        ConfigValidator.Validate(c, baseDirectory).Errors.Select(e => e.Field).ToArray();

    [Theory]
    [InlineData("e4m3")]
    [InlineData("e5m2")]
    [InlineData("hif8")]
    [InlineData("int4-g128")]
    public void QuantFormatOverride_KnownFormats_Valid(string format) =>
        Assert.Empty(Fields(TrainConfig.Tiny with { Quant = new QuantConfig { Format = FormatName.Parse(format) } }));

    // An unknown format name cannot be a FormatName: it is refused where JSON is read (FormatNameConverterTests).

    [Fact]
    public void Quant_UnknownPresetBadAlgorithmAndHistory_EachNamed() =>
        Assert.Equal(["quant.preset", "quant.historyLength", "quant.algorithm"],
            Fields(TrainConfig.Tiny with { Quant = new QuantConfig { Preset = "fp3", HistoryLength = 0, Algorithm = (AmaxAlgorithm)9 } }));

    [Fact]
    public void QuantRules_BadRuleFieldsNamedByIndex()
    {
        var rules = new[]
        {
            new QuantRule { Layer = "**", Role = TensorRole.Input },
            new QuantRule { Layer = "", Role = (TensorRole)9, Format = null!, Delayed = new DelayedScalingRecipe { UpdatePeriod = 0 } },
        };
        Assert.Equal(["quant.rules[1].layer", "quant.rules[1].role", "quant.rules[1].format", "quant.rules[1].delayed.updatePeriod"],
            Fields(TrainConfig.Tiny with { Quant = new QuantConfig { Preset = null, Rules = rules } }));
    }

    [Fact]
    public void Stats_NegativeCadencesNamed() =>
        Assert.Equal(["stats.every", "stats.errorSplitEvery", "stats.histogramEvery"],
            Fields(TrainConfig.Tiny with { Stats = new StatsConfig { Every = -1, ErrorSplitEvery = -1, HistogramEvery = -1 } }));

    [Fact]
    public void Phases_OutOfRangeValuesNamed()
    {
        var config = TrainConfig.Tiny with
        {
            Steps = 10, Bf16WarmupSteps = 11, LrWarmupSteps = -1, Dropout = 1, GradClip = double.NaN, WeightDecay = -0.1,
            EvalEvery = -5, Precision = (Precision)7, Pretrain = new PretrainConfig { Steps = -3, LearningRate = 0 },
        };
        Assert.Equal(
            ["lrWarmupSteps", "weightDecay", "gradClip", "dropout", "bf16WarmupSteps", "evalEvery", "precision", "pretrain.steps", "pretrain.learningRate"],
            Fields(config));
    }

    [Fact]
    public void Data_TextNeedsAnExistingPath()
    {
        Assert.Equal(["data.path"], Fields(TrainConfig.Tiny with { Data = new DataConfig { Kind = DataKind.Text } }));
        Assert.Equal(["data.path"], Fields(TrainConfig.Tiny with { Data = new DataConfig { Kind = DataKind.Text, Path = "no-such-file.txt" } }));
        Assert.Equal(["data.kind"], Fields(TrainConfig.Tiny with { Data = new DataConfig { Kind = (DataKind)9 } }));
        Assert.Equal(["pretrain.data.path", "tasks[0]"], Fields(TrainConfig.Tiny with
        {
            Pretrain = new PretrainConfig { Data = new DataConfig { Kind = DataKind.Text, Path = "missing.txt" } },
            Tasks = ["missing.jsonl"],
        }));
    }

    [Fact]
    public void Data_RelativePathResolvesAgainstBaseDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("qs-config-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "corpus.txt"), "hello\n");
            var config = TrainConfig.Tiny with { Data = new DataConfig { Kind = DataKind.Text, Path = "corpus.txt" } };
            Assert.Empty(Fields(config, dir.FullName));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Validate_ValidConfig_GivesAValidTrainConfigHoldingItAndItsFolder()
    {
        var config = TrainConfig.Tiny with { Steps = 7 };
        var result = ConfigValidator.Validate(config, "/tmp");

        Assert.True(result.IsValid);
        Assert.Empty(result.Errors);
        Assert.Same(config, result.Value!.Config);
        Assert.Same(config, result.Value.Resolved); // no init: nothing to resolve
        Assert.Equal("/tmp", result.Value.BaseDirectory);
    }

    [Fact]
    public void Validate_InvalidConfig_GivesErrorsAndNoValue()
    {
        var result = ConfigValidator.Validate(TrainConfig.Tiny with { Steps = 0, LogEvery = 0 });

        Assert.False(result.IsValid);
        Assert.Null(result.Value);
        Assert.Equal(["steps", "logEvery"], result.Errors.Select(e => e.Field));
    }

    [Fact]
    public void Require_InvalidConfig_ThrowsNamingEveryField()
    {
        var ex = Assert.Throws<ArgumentException>(() => ConfigValidator.Require(TrainConfig.Tiny with { Steps = 0, Precision = (Precision)7 }));

        Assert.Contains("steps must be between 1 and 1000000", ex.Message);
        Assert.Contains("precision must be one of: bf16, fp32", ex.Message);
    }

    [Fact]
    public void WithAbsolutePaths_RelativeDataPath_ResolvesAgainstTheCheckedFolder()
    {
        var dir = Directory.CreateTempSubdirectory("qs-config-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "corpus.txt"), "hello\n");
            var valid = ConfigValidator.Require(TrainConfig.Tiny with { Data = new DataConfig { Kind = DataKind.Text, Path = "corpus.txt" } }, dir.FullName);

            var absolute = valid.WithAbsolutePaths();

            Assert.Equal(Path.Combine(dir.FullName, "corpus.txt"), absolute.Config.Data.Path);
            Assert.Same(absolute.Config, absolute.Resolved);
            Assert.Empty(Fields(absolute.Config)); // still valid from any working directory
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
