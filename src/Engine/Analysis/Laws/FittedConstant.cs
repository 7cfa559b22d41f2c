namespace QuantScope.Engine.Analysis.Laws;

/// <summary>One fitted constant with its uncertainty.</summary>
/// <param name="Name">Constant name, e.g. <c>gN</c>.</param>
/// <param name="Value">Least-squares estimate.</param>
/// <param name="StandardError">Asymptotic standard error: sqrt of the diagonal of s² (JᵀJ)⁻¹, J the log-space Jacobian.</param>
/// <param name="Lower95">Lower end of the 95 % confidence interval (Value - t(0.975, n - p) · StandardError).</param>
/// <param name="Upper95">Upper end of the 95 % confidence interval.</param>
public sealed record FittedConstant(string Name, double Value, double StandardError, double Lower95, double Upper95);
