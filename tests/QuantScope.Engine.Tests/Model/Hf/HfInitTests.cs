using System.Threading.Channels;
using QuantScope.Engine.Model.Hf;
using QuantScope.Engine.Model.SafeTensors;

namespace QuantScope.Engine.Tests.Model.Hf;

public class HfInitTests
{
    private static readonly ModelConfig Shape = new() { Layers = 2, DModel = 32, Heads = 4, KvHeads = 2, FfnDim = 48, VocabSize = 256, ContextLength = 32, TieWordEmbeddings = true };

    [Fact]
    public void Trainer_InitFromHfFolder_StartsFromItsWeightsAndRunsQatWithTwin()
    {
        var folder = Directory.CreateTempSubdirectory("qs-hf-init-").FullName;
        using (var source = new LlamaForCausalLM(Shape, QuantPlan.HighPrecision, seed: 42)) HfModelFolder.Save(source, folder, SafeTensorDType.BF16);
        var config = TrainConfig.Tiny with { Init = new InitConfig { Path = folder }, Steps = 2, Baseline = true };
        using var trainer = new Trainer(ConfigValidator.Require(config));
        Assert.Equal(Shape, trainer.Config.Model); // the folder's config replaced the tiny preset
        using var expected = HfModelFolder.Load(folder, QuantPlan.HighPrecision);
        var want = expected.named_parameters().ToDictionary(p => p.name, p => TensorAssert.Floats(p.parameter));
        foreach (var (name, p) in trainer.Model.named_parameters()) Assert.Equal(want[name], TensorAssert.Floats(p));

        var channel = Channel.CreateUnbounded<MetricBatch>();
        var summary = trainer.Run(Guid.NewGuid(), channel.Writer, CancellationToken.None);
        Assert.Equal(RunStatus.Completed, summary.Status);
    }

    [Fact]
    public void Validate_InitFolderMissing_NamesInitPath()
    {
        var errors = ConfigValidator.Validate(TrainConfig.Tiny with { Init = new InitConfig { Path = "/no/such/model" } }).Errors;
        Assert.Contains(errors, e => e.Field == "init.path" && e.Message.Contains("does not exist"));
    }
}
