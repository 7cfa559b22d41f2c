using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Engine.Analysis.Ptq;
using QuantScope.Engine.Model;
using QuantScope.Engine.Model.Hf;
using QuantScope.Engine.Model.SafeTensors;
using QuantScope.Engine.Quantization;
using QuantScope.Engine.Training;
using QuantScope.Web.Api;
using QuantScope.Web.Runs;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Cli;

/// <summary>
/// <c>hf inspect PATH [--json]</c>: a Hugging Face model folder's parsed config, parameter count and memory estimates.
/// <c>hf export --run ID --out DIR [--checkpoint STEP|last] [--dtype f32|f16|bf16] [--db PATH]</c>: a run's checkpoint
/// (a QAT result) as a Hugging Face folder (config.json + model.safetensors, the init folder's tokenizer copied).
/// <c>hf eval --path DIR --text FILE</c>: perplexity on a text file (<see cref="HfEvalCommand"/>).
/// Exit codes: 0 done, 2 bad input.
/// </summary>
public static class HfCommand
{
    /// <summary>Builds the verb bound to the given streams.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var path = new Argument<string>("path") { Description = "The model folder (config.json, *.safetensors, tokenizer)." };
        var json = new Option<bool>("--json") { Description = "Print the inspection as one JSON object." };
        var inspect = new Command("inspect", "Parse a Hugging Face model folder without loading its weights.") { path, json };
        inspect.SetAction(parsed => Inspect(parsed.GetValue(path)!, parsed.GetValue(json), stdout, stderr));

        var run = new Option<Guid>("--run") { Description = "Run id (trained with checkpointEvery > 0).", Required = true };
        var output = new Option<string>("--out") { Description = "Folder to write.", Required = true };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint step, or last (default)." };
        var dtype = new Option<string>("--dtype") { Description = "f32 (default), f16 or bf16.", DefaultValueFactory = _ => "f32" };
        var db = new Option<string?>("--db") { Description = $"SQLite database (default {new StorageOptions().DatabasePath})." };
        var export = new Command("export", "Write a run's checkpoint as a Hugging Face model folder.") { run, output, checkpoint, dtype, db };
        export.SetAction((parsed, ct) => ExportAsync(parsed.GetValue(run), parsed.GetValue(output)!, parsed.GetValue(checkpoint),
            parsed.GetValue(dtype)!, parsed.GetValue(db), stdout, stderr, ct));
        return new Command("hf", "Hugging Face model folders: inspect one, evaluate one on a text file, export a run to one.")
        {
            inspect, HfEvalCommand.Create(stdout, stderr), export,
        };
    }

    /// <summary>The inspect verb's work; returns the exit code.</summary>
    public static int Inspect(string path, bool json, TextWriter stdout, TextWriter stderr)
    {
        HfModelInfo info;
        try
        {
            info = HfModelFolder.Inspect(path);
        }
        catch (Exception ex) when (ex is HfModelException or SafeTensorsException)
        {
            stderr.WriteLine(ex.Message);
            return QuantScopeCli.UsageError;
        }

        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(ModelEndpoints.ToDto(info), JsonDefaults.Options));
            return 0;
        }

        var c = info.Config;
        stdout.WriteLine($"folder      {info.Path}");
        stdout.WriteLine($"model       {c.Layers} layers, hidden {c.DModel}, heads {c.Heads} (kv {c.KvHeadCount()}), ffn {c.FfnDim}, vocab {c.VocabSize}, context {c.ContextLength}");
        stdout.WriteLine($"            rms_norm_eps {c.NormEps:R}, rope_theta {c.RopeTheta:R}, rope_scaling {c.RopeScaling?.Type ?? "none"}, tied embeddings {(c.TieWordEmbeddings ? "yes" : "no")}");
        stdout.WriteLine($"parameters  {info.Parameters:N0}");
        stdout.WriteLine($"weights     {string.Join(", ", info.WeightFiles)} ({string.Join(", ", info.WeightDTypes)})");
        stdout.WriteLine($"tokenizer   {info.Tokenizer ?? "none"}");
        foreach (var m in info.Memory) stdout.WriteLine($"memory      {(m.Fits ? "ok " : "TOO LARGE ")}{m.Describe()}");
        return 0;
    }

    private static async Task<int> ExportAsync(Guid runId, string output, string? step, string dtype, string? dbPath, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        SafeTensorDType? type = dtype switch { "f32" => SafeTensorDType.F32, "f16" => SafeTensorDType.F16, "bf16" => SafeTensorDType.BF16, _ => null };
        if (type is null) return Fail(stderr, "--dtype: must be f32, f16 or bf16.");
        await using var services = await CliDatabase.OpenAsync(CliDatabase.PathOf(dbPath), mustExist: true, stderr, ct);
        if (services is null) return QuantScopeCli.UsageError;
        if (await services.GetRequiredService<RunRepository>().GetAsync(runId, ct) is not { } entity) return Fail(stderr, $"--run: no run has id {runId}.");
        var (config, errors) = ConfigReader.Read(entity.ConfigJson ?? "");
        if (config is null || string.IsNullOrEmpty(entity.ConfigJson)) return Fail(stderr, "--run: the run's engine config cannot be read: " + string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}")));
        var resolved = config.Resolved; // init.kind hf: the folder's model config
        var database = services.GetRequiredService<QuantScopeDatabase>();
        var folder = Path.Combine(Path.GetDirectoryName(database.Path)!, RunCoordinator.CheckpointFolder);
        RunCheckpoint chosen;
        try
        {
            chosen = PtqAnalysis.Select(CheckpointWriter.ReadManifest(folder, runId), step is null or "last" ? null : int.TryParse(step, out var s) ? s : -1);
        }
        catch (PtqInputException ex)
        {
            return Fail(stderr, $"--checkpoint: {ex.Problem}");
        }

        HfCheckpointExport.Save(resolved.Model, resolved.Seed, Path.Combine(CheckpointWriter.RunFolder(folder, runId), chosen.File), output, type.Value);

        if (resolved.Init is { } init)
            foreach (var file in HfModelFolder.TokenizerFiles.Append("tokenizer_config.json").Append("special_tokens_map.json"))
            {
                var from = Path.Combine(HfInit.Folder(init, null), file);
                if (File.Exists(from)) File.Copy(from, Path.Combine(output, file), overwrite: true);
            }

        stdout.WriteLine($"wrote step {chosen.Step} of run {runId} to {Path.GetFullPath(output)} ({dtype})");
        return 0;
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine(message);
        return QuantScopeCli.UsageError;
    }
}
