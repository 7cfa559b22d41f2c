namespace QuantScope.Web.Api;

/// <summary>One fitted constant next to its published value.</summary>
/// <param name="Name">Constant name (<c>k</c>, <c>gN</c>, <c>gD</c>, <c>gG</c>, <c>cT</c>, <c>gPost</c>).</param>
/// <param name="Value">Fitted value.</param>
/// <param name="StandardError">Asymptotic standard error.</param>
/// <param name="Lower95">Lower end of the 95 % confidence interval.</param>
/// <param name="Upper95">Upper end of the 95 % confidence interval.</param>
/// <param name="Published">The value published under the law's name.</param>
public sealed record LawFittedConstantDto(string Name, double Value, double StandardError, double Lower95, double Upper95, double Published);
