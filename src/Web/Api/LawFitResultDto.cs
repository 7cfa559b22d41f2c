using QuantScope.Engine.Analysis.Laws;

namespace QuantScope.Web.Api;

/// <summary>Answer of <c>POST /api/laws/{name}/fit</c> (and of <c>law fit --json</c>).</summary>
/// <param name="Law">The law whose family was fitted and whose published constants are shown.</param>
/// <param name="Family">The fitted formula's family.</param>
/// <param name="Formula">The formula as text.</param>
/// <param name="PointCount">Points fitted.</param>
/// <param name="RSquared">R² of ln delta.</param>
/// <param name="ResidualStandardError">sqrt(RSS / (n - p)) of ln delta: about the relative scatter.</param>
/// <param name="Constants">Fitted constants with standard errors, 95 % intervals and published values.</param>
/// <param name="Residuals">ln(observed) - ln(fitted) per point, in input order.</param>
/// <param name="Published">The published constants of <paramref name="Law"/> by name.</param>
public sealed record LawFitResultDto(
    string Law, LawFamily Family, string Formula, int PointCount, double RSquared, double ResidualStandardError,
    IReadOnlyList<LawFittedConstantDto> Constants, IReadOnlyList<double> Residuals, IReadOnlyDictionary<string, double> Published);
