using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using QuantScope.Web.Api;

namespace QuantScope.Web.Runs;

/// <summary>Whether a stored run can resume, and from which checkpoint: every refusal is a <see cref="RunResumeException"/> saying why.</summary>
public static class RunResumeCheck
{
    /// <summary>The run's config and the step of its latest usable checkpoint.</summary>
    /// <param name="run">The stored run.</param>
    /// <param name="active">True when the run is training in this process now.</param>
    /// <param name="checkpointDirectory">The folder of run checkpoints.</param>
    /// <exception cref="RunResumeException">Why the run cannot resume.</exception>
    public static (ValidTrainConfig Config, int Step) Check(RunEntity run, bool active, string checkpointDirectory)
    {
        if (active || !run.Status.HasEnded())
            throw new RunResumeException($"Run {run.Id} is {(active ? "training now" : run.Status.ToText())}: only an interrupted, failed or cancelled run can be resumed.");
        if (run.Kind != RunKinds.Engine)
            throw new RunResumeException($"Run {run.Id} is an {run.Kind} run: only runs trained by QuantScope's engine can be resumed.");
        if (run.Status == RunStatus.Completed)
            throw new RunResumeException($"Run {run.Id} is completed: there is nothing left to train.");

        var (config, errors) = ConfigReader.Read(run.ConfigJson);
        if (config is null)
            throw new RunResumeException($"Run {run.Id}'s stored config cannot be read: {string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}"))}");
        var step = CheckpointWriter.LatestResumable(checkpointDirectory, run.Id)
            ?? throw new RunResumeException(config.Config.CheckpointEvery > 0
                ? $"Run {run.Id} has no checkpoint to resume from: it ended before its first one (checkpointEvery {config.Config.CheckpointEvery})."
                : $"Run {run.Id} has no checkpoint to resume from: it was started with checkpointEvery 0 (no checkpoints).");
        try
        {
            CheckpointWriter.CheckResumable(checkpointDirectory, run.Id, step, config.Config);
        }
        catch (Exception ex) when (ex is ResumeCheckpointException or IOException or ArgumentException)
        {
            throw new RunResumeException($"Run {run.Id} cannot resume: {ex.Message}", ex);
        }

        // Checkpoints wait for their points to commit (dashboard runs), so this only trips for checkpoints written elsewhere.
        if (run.LastStep < step - 1)
            throw new RunResumeException($"Run {run.Id}'s stored points end at step {run.LastStep}, but its checkpoint is after step {step}: resuming would leave steps {run.LastStep + 1}..{step - 1} without points.");
        return (config, step);
    }
}
