using System.Globalization;
using System.Text.Json;
using QuantScope.Engine.Model;

namespace QuantScope.Engine.Training;

/// <summary>
/// Saves a run's parameters every <see cref="TrainConfig.CheckpointEvery"/> main steps and after the last one, as
/// <c>{folder}/{runId}/step-N.qsck</c> (<see cref="ParameterCheckpoint"/>), and keeps <see cref="ManifestName"/> there
/// listing them with the tokens seen. File names are generated from the step, never taken from user input. Runs on the
/// training thread, outside the step's dispose scope.
/// </summary>
public sealed class CheckpointWriter
{
    /// <summary>The manifest's file name inside a run's checkpoint folder.</summary>
    public const string ManifestName = "checkpoints.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly string _folder;
    private readonly int _every;
    private readonly int _steps;
    private readonly long _tokensPerStep;
    private readonly long _pretrainTokens;
    private readonly List<RunCheckpoint> _saved = [];

    private CheckpointWriter(string folder, TrainConfig config)
    {
        _folder = folder;
        _every = config.CheckpointEvery;
        _steps = config.Steps;
        _tokensPerStep = (long)config.BatchSize * config.SeqLen;
        _pretrainTokens = (long)(config.Pretrain?.Steps ?? 0) * _tokensPerStep;
    }

    /// <summary>A writer for the run, or null when checkpoints are off or the trainer has no checkpoint folder.</summary>
    public static CheckpointWriter? Create(string? checkpointDirectory, Guid runId, TrainConfig config) =>
        checkpointDirectory is null || config.CheckpointEvery <= 0 ? null : new CheckpointWriter(RunFolder(checkpointDirectory, runId), config);

    /// <summary>The folder of one run's checkpoints.</summary>
    public static string RunFolder(string checkpointDirectory, Guid runId) =>
        Path.Combine(checkpointDirectory, runId.ToString("D", CultureInfo.InvariantCulture));

    /// <summary>The file name of the checkpoint after <paramref name="step"/> main steps.</summary>
    public static string FileName(int step) => $"step-{step.ToString(CultureInfo.InvariantCulture)}.qsck";

    /// <summary>After <paramref name="stepsDone"/> main steps: saves when it is a multiple of the interval or the last step.</summary>
    /// <returns>The checkpoint written, or null.</returns>
    public RunCheckpoint? AfterStep(LlamaForCausalLM model, int stepsDone)
    {
        if (stepsDone % _every != 0 && stepsDone != _steps) return null;
        var entry = new RunCheckpoint(stepsDone, _pretrainTokens + stepsDone * _tokensPerStep, FileName(stepsDone));
        ParameterCheckpoint.Save(model, Path.Combine(_folder, entry.File)); // one device->host copy per parameter
        _saved.Add(entry);
        var manifest = Path.Combine(_folder, ManifestName);
        File.WriteAllText(manifest + ".tmp", JsonSerializer.Serialize(_saved, Json));
        File.Move(manifest + ".tmp", manifest, overwrite: true); // readers never see half a manifest
        return entry;
    }

    /// <summary>The checkpoints listed in a run's manifest, by step; empty when there is none (or it is unreadable).</summary>
    public static IReadOnlyList<RunCheckpoint> ReadManifest(string checkpointDirectory, Guid runId)
    {
        var path = Path.Combine(RunFolder(checkpointDirectory, runId), ManifestName);
        if (!File.Exists(path)) return [];
        try
        {
            var entries = JsonSerializer.Deserialize<RunCheckpoint[]>(File.ReadAllText(path), Json) ?? [];
            // Only generated names are trusted: a manifest edited by hand cannot point outside the folder.
            return entries.Where(e => e.File == FileName(e.Step)).OrderBy(e => e.Step).ToArray();
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return [];
        }
    }
}
