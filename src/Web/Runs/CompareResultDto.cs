namespace QuantScope.Web.Runs;

/// <summary>What <see cref="RunComparer"/> answers: <c>{"lossApe": {"meanPct", "lastPct", "steps"}}</c>.</summary>
public sealed record CompareResultDto(ApeDto LossApe);
