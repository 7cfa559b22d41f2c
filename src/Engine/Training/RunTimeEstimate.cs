namespace QuantScope.Engine.Training;

/// <summary>How long a run would take on this machine, from a few real steps timed by <see cref="RunTimeEstimator"/>.</summary>
/// <param name="Steps">Training steps of the run.</param>
/// <param name="StepMillis">Median time of one of its training steps (twin included), ms.</param>
/// <param name="PretrainSteps">Pretraining steps still to run (0 when there is none or its checkpoint is cached).</param>
/// <param name="PretrainStepMillis">Median time of one plain BF16 pretraining step, ms (0 when none is needed).</param>
/// <param name="PretrainCached">True when the pretraining checkpoint is already cached.</param>
/// <param name="Evaluations">Evaluations the run will make (not timed: each is a few forward passes over held-out data).</param>
public sealed record RunTimeEstimate(int Steps, double StepMillis, int PretrainSteps, double PretrainStepMillis, bool PretrainCached, int Evaluations)
{
    /// <summary>Pretraining plus training time (evaluations excluded).</summary>
    public TimeSpan Total => TimeSpan.FromMilliseconds(Steps * StepMillis + PretrainSteps * PretrainStepMillis);
}
