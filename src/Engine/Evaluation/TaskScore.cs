namespace QuantScope.Engine.Evaluation;

/// <summary>Result of one multiple-choice task, as lm-evaluation-harness reports it.</summary>
/// <param name="Name">Task name.</param>
/// <param name="Acc">Fraction (0..1) of items whose highest-log-likelihood choice is gold.</param>
/// <param name="AccNorm">Fraction (0..1) of items whose highest log-likelihood per UTF-8 byte of the choice is gold.</param>
/// <param name="Items">Number of items scored.</param>
public sealed record TaskScore(string Name, double Acc, double AccNorm, int Items);
