using QuantScope.Engine.Evaluation;

namespace QuantScope.Engine.Analysis.Ptq;

/// <summary>What one evaluation of a checkpoint measured (managed numbers only).</summary>
/// <param name="Loss">Held-out next-token loss on the run's main data, nats per token.</param>
/// <param name="ProbeAccuracy">Knowledge-probe accuracy 0..1, or null when the run has no probes.</param>
/// <param name="MeanTaskAccuracy">Mean <c>acc</c> over <see cref="Tasks"/>, or null without tasks.</param>
/// <param name="Tasks">Every multiple-choice task's score.</param>
public sealed record PtqMetrics(double Loss, double? ProbeAccuracy, double? MeanTaskAccuracy, IReadOnlyList<TaskScore> Tasks);
