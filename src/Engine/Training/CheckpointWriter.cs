using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using QuantScope.Engine.Model;
using QuantScope.Engine.Model.Hf;

namespace QuantScope.Engine.Training;

/// <summary>
/// Saves a run's checkpoints every <see cref="TrainConfig.CheckpointEvery"/> main steps and after the last one, under
/// <c>{folder}/{runId}/</c>: the parameters as <c>step-N.qsck</c> (<see cref="ParameterCheckpoint"/>, kept for
/// post-training quantization and listed in <see cref="ManifestName"/> with the tokens seen), and the full resume state
/// as <c>step-N.resume</c> (only the latest is kept: it holds the optimizer moments too, ~3x the parameters per model).
/// File names are generated from the step, never taken from user input. Every file is written to a temp name and moved
/// into place, so a kill mid-save leaves the previous checkpoint usable. Runs on the training thread, outside the step's
/// dispose scope.
/// </summary>
public sealed partial class CheckpointWriter
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

    /// <summary>The file name of the resume state after <paramref name="step"/> main steps.</summary>
    public static string ResumeFileName(int step) => $"step-{step.ToString(CultureInfo.InvariantCulture)}.resume";

    /// <summary>True when a checkpoint is saved after <paramref name="stepsDone"/> main steps (a multiple of the interval, or the last step).</summary>
    public bool IsDue(int stepsDone) => stepsDone % _every == 0 || stepsDone == _steps;

    /// <summary>
    /// After <paramref name="stepsDone"/> main steps: when due, saves the parameters, then (with
    /// <paramref name="saveResumeState"/>, given the file path to write) the resume state, then the manifest, and
    /// deletes older resume states.
    /// </summary>
    /// <returns>The checkpoint written, or null.</returns>
    public RunCheckpoint? AfterStep(LlamaForCausalLM model, int stepsDone, Action<string>? saveResumeState = null)
    {
        if (!IsDue(stepsDone)) return null;
        var entry = new RunCheckpoint(stepsDone, _pretrainTokens + stepsDone * _tokensPerStep, FileName(stepsDone));
        ParameterCheckpoint.Save(model, Path.Combine(_folder, entry.File)); // one device->host copy per parameter
        if (saveResumeState is not null) saveResumeState(Path.Combine(_folder, ResumeFileName(stepsDone)));
        _saved.RemoveAll(e => e.Step == stepsDone);
        _saved.Add(entry);
        var manifest = Path.Combine(_folder, ManifestName);
        File.WriteAllText(manifest + ".tmp", JsonSerializer.Serialize(_saved, Json));
        File.Move(manifest + ".tmp", manifest, overwrite: true); // readers never see half a manifest
        if (saveResumeState is not null)
        {
            foreach (var step in ResumeSteps(_folder).Where(s => s != stepsDone)) File.Delete(Path.Combine(_folder, ResumeFileName(step)));
        }

        return entry;
    }

    /// <summary>A resumed run keeps the manifest entries up to <paramref name="step"/> and adds its own after them.</summary>
    internal void ContinueFrom(string checkpointDirectory, Guid runId, int step)
    {
        _saved.Clear();
        _saved.AddRange(ReadManifest(checkpointDirectory, runId).Where(e => e.Step <= step));
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

    /// <summary>
    /// The step of the run's latest complete resume state (header readable, not cut short), or null when it has none
    /// (checkpoints were off, or no checkpoint was reached). Pass it as <see cref="TrainerOptions.ResumeFromStep"/>.
    /// </summary>
    public static int? LatestResumable(string checkpointDirectory, Guid runId)
    {
        var folder = RunFolder(checkpointDirectory, runId);
        foreach (var step in ResumeSteps(folder).OrderDescending())
        {
            try
            {
                if (ResumeState.ReadHeader(Path.Combine(folder, ResumeFileName(step))).Step == step) return step;
            }
            catch (ResumeCheckpointException)
            {
                // An unusable file: an older complete one may still be there.
            }
        }

        return null;
    }

    /// <summary>
    /// Checks, without loading tensors, that the run can resume from <paramref name="step"/> with
    /// <paramref name="config"/>: the state file exists, is complete, is of that step and was written by the same config.
    /// </summary>
    /// <exception cref="ResumeCheckpointException">Why not, naming the file and field.</exception>
    public static void CheckResumable(string checkpointDirectory, Guid runId, int step, TrainConfig config, string? baseDirectory = null)
    {
        var path = Path.Combine(RunFolder(checkpointDirectory, runId), ResumeFileName(step));
        var (hash, saved) = ResumeState.ReadHeader(path);
        var expected = ResumeState.ConfigHash(HfInit.Resolve(config, baseDirectory));
        if (hash != expected) throw new ResumeCheckpointException(path, "configHash", "differs from this run's config: the config changed since the checkpoint.");
        if (saved != step) throw new ResumeCheckpointException(path, "step", $"is {saved}, not the requested {step}.");
    }

    private static IEnumerable<int> ResumeSteps(string folder)
    {
        if (!Directory.Exists(folder)) yield break;
        foreach (var file in Directory.EnumerateFiles(folder, "step-*.resume"))
        {
            var name = Path.GetFileName(file);
            if (ResumeName().Match(name) is { Success: true } m && int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var step)
                && ResumeFileName(step) == name)
                yield return step;
        }
    }

    [GeneratedRegex(@"^step-([0-9]{1,9})\.resume$")]
    private static partial Regex ResumeName();
}
