using Microsoft.Data.Sqlite;
using QuantScope.Engine.Model;
using QuantScope.Engine.Model.Hf;
using QuantScope.Engine.Model.SafeTensors;
using QuantScope.Engine.Quantization;
using QuantScope.Engine.Training;
using QuantScope.Web.Cli;
using QuantScope.Web.Runs;
using QuantScope.Web.Tests.Api;

namespace QuantScope.Web.Tests.Cli;

/// <summary>End to end: train 2 steps from a Hugging Face folder, <c>hf export</c> the run, read the folder back.</summary>
public sealed class HfCommandExportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("quantscope-hf-export-").FullName;

    private string DbPath => Path.Combine(_folder, "runs.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => CliRun.RunAsync(args);

    [Fact]
    public async Task Export_RunTrainedFromHfFolder_WritesTheFinalCheckpointAsAReadableFolder()
    {
        var model = Path.Combine(_folder, "model");
        var shape = ModelFolderFixture.Config with { TieWordEmbeddings = false };
        using (var source = new LlamaForCausalLM(shape, QuantPlan.HighPrecision, seed: 11)) HfModelFolder.Save(source, model, SafeTensorDType.BF16);
        HfTokenizerFixture.WriteInto(model);
        var config = Path.Combine(_folder, "config.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            name = "hf-export", init = new { kind = "hf", path = model }, steps = 2, batchSize = 2, seqLen = 16, checkpointEvery = 2,
            quant = new { preset = "fp8-delayed" },
        }));
        var (code, output, error) = await Run("run", "--config", config, "--db", DbPath, "--json");
        Assert.True(code == 0, error);
        var runId = Guid.Parse(JsonDocument.Parse(output.TrimEnd('\n').Split('\n')[^1]).RootElement.GetProperty("runId").GetString()!);

        var exported = Path.Combine(_folder, "exported");
        (code, output, error) = await Run("hf", "export", "--run", runId.ToString(), "--out", exported, "--db", DbPath);
        Assert.True(code == 0, error);
        Assert.Contains("wrote step 2", output);
        Assert.True(File.Exists(Path.Combine(exported, "tokenizer.json")), "the init folder's tokenizer is copied");

        using (var checkpoint = SafeTensorsCheckpoint.Open(exported))
        {
            var expected = HfWeights.ExpectedShapes(shape);
            Assert.Equal(expected.Keys.Order(), checkpoint.Tensors.Keys.Order());
            foreach (var (name, info) in checkpoint.Tensors) Assert.Equal(expected[name], info.Shape);
        }

        var checkpoints = Path.Combine(_folder, RunCoordinator.CheckpointFolder);
        var last = CheckpointWriter.ReadManifest(checkpoints, runId).MaxBy(c => c.Step)!;
        Assert.Equal(2, last.Step);
        using var trained = new LlamaForCausalLM(shape, QuantPlan.HighPrecision, seed: 0);
        ParameterCheckpoint.Load(trained, Path.Combine(CheckpointWriter.RunFolder(checkpoints, runId), last.File));
        using var reread = HfModelFolder.Load(exported, QuantPlan.HighPrecision);
        Assert.Equal(shape, reread.Config);
        var want = trained.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
        using var original = HfModelFolder.Load(model, QuantPlan.HighPrecision);
        var changed = false;
        foreach (var (name, p) in reread.named_parameters())
        {
            Assert.Equal(want[name], p.data<float>().ToArray());
            changed |= !want[name].SequenceEqual(original.named_parameters().Single(o => o.name == name).parameter.data<float>().ToArray());
        }

        Assert.True(changed, "two training steps moved the weights away from the init folder's");
    }
}
