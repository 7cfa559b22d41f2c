using QuantScope.Engine.Training;

namespace QuantScope.Engine.Hosting;

/// <summary>A run whose trainer is built and about to train (handed to <see cref="IRunSink.StartedAsync"/>).</summary>
/// <param name="RunId">The run.</param>
/// <param name="Trainer">The built trainer: its layout, effective plan and plan warnings are known now.</param>
/// <param name="PriorityLowered">False when the OS refused to lower the training thread's priority.</param>
public sealed record RunStart(Guid RunId, Trainer Trainer, bool PriorityLowered);
