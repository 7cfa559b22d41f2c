using System.Threading.Channels;
using QuantScope.Engine.Data;
using QuantScope.Engine.Model.Hf;
using QuantScope.Engine.Model.SafeTensors;
using QuantScope.Engine.Tests.Data;

namespace QuantScope.Engine.Tests.Model.Hf;

/// <summary>Runs started from a Hugging Face folder read their text with the folder's tokenizer (<see cref="HfInit.Tokenizer"/>).</summary>
public sealed class HfInitTokenizerTests : IDisposable
{
    private static readonly ModelConfig Shape = new() { Layers = 1, DModel = 32, Heads = 4, KvHeads = 2, FfnDim = 48, VocabSize = 300, ContextLength = 32, TieWordEmbeddings = true };

    private readonly string _dir = Directory.CreateTempSubdirectory("qs-hf-tok-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Folder(ModelConfig shape, bool tokenizer)
    {
        var folder = Path.Combine(_dir, "model");
        using (var source = new LlamaForCausalLM(shape, QuantPlan.HighPrecision, seed: 7)) HfModelFolder.Save(source, folder);
        if (tokenizer) File.WriteAllText(Path.Combine(folder, "tokenizer.json"), HfTokenizerTests.TinyTokenizerJson());
        return folder;
    }

    private string Corpus()
    {
        var path = Path.Combine(_dir, "corpus.txt");
        File.WriteAllText(path, string.Concat(Enumerable.Range(0, 300).Select(i => $"the {i % 7} and the {i % 5}\n")));
        return path;
    }

    private TrainConfig Config(string folder, TokenizerMode tokenizer = TokenizerMode.Auto) => TrainConfig.Tiny with
    {
        Init = new InitConfig { Path = folder, Tokenizer = tokenizer },
        Data = new DataConfig { Kind = DataKind.Text, Path = Corpus() },
        Steps = 2, BatchSize = 2, SeqLen = 16, Quant = null,
    };

    [Fact]
    public void Load_InitFolderWithTokenizer_ReadsTheTextWithIt()
    {
        var config = HfInit.Resolve(Config(Folder(Shape, tokenizer: true)), null);
        var data = ExperimentData.Load(config, null);
        Assert.IsType<HfTokenizer>(data.Tokenizer);
        Assert.Contains(257, data.Main.Train); // "the" is one BPE token, not three bytes
        Assert.True(data.MainIsText);
    }

    [Fact]
    public void Load_InitTokenizerByte_ReadsBytes()
    {
        var config = HfInit.Resolve(Config(Folder(Shape, tokenizer: true), TokenizerMode.Byte), null);
        var data = ExperimentData.Load(config, null);
        Assert.IsType<ByteTokenizer>(data.Tokenizer);
        Assert.DoesNotContain(data.Main.Train, t => t > 255);
    }

    [Fact]
    public void Run_InitFolderTextDataWithEval_ReportsPerplexityAndTaskScoredWithTheFolderTokenizer()
    {
        var task = Path.Combine(_dir, "pick.jsonl");
        File.WriteAllText(task, """{"context": "the", "choices": [" 1", " and"], "gold": 1}""" + "\n");
        var config = Config(Folder(Shape, tokenizer: true)) with { EvalEvery = 2, Baseline = true, Tasks = [task] };
        using var trainer = new Trainer(ConfigValidator.Require(config));
        var channel = Channel.CreateUnbounded<MetricBatch>();
        trainer.Run(Guid.NewGuid(), channel.Writer, CancellationToken.None);
        channel.Writer.Complete();
        var scalars = new List<ScalarPoint>();
        while (channel.Reader.TryRead(out var batch)) scalars.AddRange(batch.Scalars);

        foreach (var step in new[] { 0, 2 })
        {
            var at = scalars.Where(p => p.Step == step).ToDictionary(p => p.Metric, p => p.Value);
            Assert.Equal(Math.Exp(at[MetricCatalog.TextLoss]), at[MetricCatalog.Perplexity], 2);
            Assert.Equal(Math.Exp(at[MetricCatalog.BaselineTextLoss]), at[MetricCatalog.BaselinePerplexity], 2);
            Assert.InRange(at[MetricCatalog.Perplexity], 1, 1000);
            Assert.Contains(MetricCatalog.TaskAccuracy("pick"), at.Keys);
        }

        Assert.True(MetricCatalog.IsScalar(MetricCatalog.Perplexity));
    }

    [Fact]
    public void Validate_InitFolderWithoutTokenizer_NamesInitPathAndTheByteOption()
    {
        var folder = Folder(Shape, tokenizer: false);
        var errors = ConfigValidator.Validate(HfInit.Resolve(Config(folder), null)).Errors;
        var error = Assert.Single(errors);
        Assert.Equal("init.path", error.Field);
        Assert.Contains("no tokenizer.json or tokenizer.model", error.Message);
        Assert.Contains(folder, error.Message);
        Assert.Contains("init.tokenizer", error.Message);
    }

    [Fact]
    public void Validate_InitFolderWithoutTokenizerButByteExplicit_IsValid() =>
        Assert.Empty(ConfigValidator.Validate(HfInit.Resolve(Config(Folder(Shape, tokenizer: false), TokenizerMode.Byte), null)).Errors);

    [Fact]
    public void Validate_UnknownTokenizerChoice_NamesInitTokenizer() =>
        Assert.Contains(ConfigValidator.Validate(Config(Folder(Shape, tokenizer: true), (TokenizerMode)9)).Errors, e => e.Field == "init.tokenizer");

    [Fact]
    public void Trainer_TokenizerIdsBeyondModelVocab_FailsNamingTheVocabulary()
    {
        var config = Config(Folder(Shape with { VocabSize = 256 }, tokenizer: true)); // the tokenizer's "the" is id 257
        var e = Assert.Throws<InvalidDataException>(() => new Trainer(ConfigValidator.Require(config)));
        Assert.Contains("outside the model's vocabulary of 256", e.Message);
    }
}
