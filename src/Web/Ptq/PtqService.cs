using System.Text.Json;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Engine.Analysis.Ptq;
using QuantScope.Engine.Training;
using QuantScope.Web.Api;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Ptq;

/// <summary>
/// Finds a run's checkpoints (next to the database, <c>checkpoints/{runId}/</c>) and turns a PTQ request into an engine
/// <see cref="PtqRequest"/>, naming the bad field; the analysis itself runs on a caller-chosen thread (<see cref="Execute"/>).
/// </summary>
public sealed class PtqService(RunRepository runs, QuantScopeDatabase database)
{
    /// <summary>The folder of every run's checkpoints (and the pretraining cache).</summary>
    public string CheckpointDirectory => Path.Combine(Path.GetDirectoryName(database.Path)!, RunCoordinator.CheckpointFolder);

    /// <summary>The run's checkpoints by step, or null when the run does not exist.</summary>
    public async Task<IReadOnlyList<RunCheckpoint>?> CheckpointsAsync(Guid id, CancellationToken ct) =>
        await runs.GetAsync(id, ct) is null ? null : CheckpointWriter.ReadManifest(CheckpointDirectory, id);

    /// <summary>The run and request ready to analyse; <c>Found</c> false for an unknown run; otherwise an error names the field.</summary>
    public async Task<(PtqPrepared? Prepared, PtqRequest? Request, bool Found, string? Field, string? Error)> PrepareAsync(
        Guid id, PtqRequestDto dto, CancellationToken ct)
    {
        if (await runs.GetAsync(id, ct) is not { } run) return (null, null, false, null, null);
        var checkpoints = CheckpointWriter.ReadManifest(CheckpointDirectory, id);
        try
        {
            var plan = PtqPlans.Resolve(dto.Preset, dto.Format, dto.GroupSize);
            var step = ReadStep(dto.Checkpoint);
            PtqAnalysis.Select(checkpoints, step);
            var (config, errors) = ConfigReader.Read(run.ConfigJson ?? "");
            if (config is null || string.IsNullOrEmpty(run.ConfigJson))
                return Bad("checkpoint", "the run's engine config cannot be read: " + string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}")));
            var keep = dto.KeepHighPrecision ?? 0;
            var sensitivity = dto.Sensitivity ?? false;
            if (keep < 0 || keep > config.Config.Model.Layers * 7) return Bad("keepHighPrecision", "must be between 0 and the number of quantized layers");
            if (keep > 0 && !sensitivity) return Bad("keepHighPrecision", "needs sensitivity: true (the plan keeps the most sensitive layers)");
            var request = new PtqRequest
            {
                Plan = plan, Activations = dto.Activations ?? false, CheckpointStep = step, Sensitivity = sensitivity,
                KeepHighPrecision = keep, TokenCurve = dto.TokenCurve ?? true,
            };
            return (new PtqPrepared(config.Config, CheckpointWriter.RunFolder(CheckpointDirectory, id), checkpoints), request, true, null, null);
        }
        catch (PtqInputException ex)
        {
            return Bad(ex.Field, ex.Problem);
        }
    }

    /// <summary>Runs the analysis on the calling thread (TorchSharp work: one thread, its own dispose scopes).</summary>
    public static PtqReport Execute(PtqPrepared prepared, PtqRequest request, IProgress<PtqProgress>? progress, CancellationToken ct) =>
        PtqAnalysis.Run(prepared.Config, null, prepared.RunFolder, prepared.Checkpoints, request, progress, ct);

    /// <summary>A step from a number or <c>"last"</c>/null (= null).</summary>
    private static int? ReadStep(JsonElement? checkpoint) => checkpoint switch
    {
        null => null,
        { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.String } s when s.GetString() is "last" => null,
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out var step) => step,
        _ => throw new PtqInputException("checkpoint", "must be a checkpoint step or \"last\""),
    };

    private static (PtqPrepared?, PtqRequest?, bool, string?, string?) Bad(string field, string error) => (null, null, true, field, error);
}
