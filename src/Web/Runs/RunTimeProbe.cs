using QuantScope.Engine.Training;

namespace QuantScope.Web.Runs;

/// <summary>
/// Estimates a run's time on this machine (<see cref="RunTimeEstimator"/>) for the new-run form: the probe trains a few
/// real steps, so it runs on its own thread (TorchSharp scopes are thread-static), never on a circuit's or the pool's.
/// </summary>
public sealed class RunTimeProbe(RunCoordinator coordinator)
{
    /// <summary>Times a few steps of <paramref name="config"/> with the options a dashboard run would get.</summary>
    /// <param name="config">A validated run config.</param>
    /// <param name="ct">Cancels before the probe starts and between its steps.</param>
    public Task<RunTimeEstimate> EstimateAsync(ValidTrainConfig config, CancellationToken ct)
    {
        var options = coordinator.TrainerOptions;
        return Task.Factory.StartNew(() => RunTimeEstimator.Estimate(config, options, ct),
            ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }
}
