namespace QuantScope.Engine.Analysis.Laws;

/// <summary>The outcome of <see cref="ScalingLawFitter.Fit"/>.</summary>
/// <param name="Family">The fitted formula.</param>
/// <param name="Constants">Fitted constants in the family's order (see <see cref="ScalingLaw.ConstantNames"/>).</param>
/// <param name="Residuals">Per point, in input order: ln(observed delta) - ln(fitted delta) (log space, dimensionless).</param>
/// <param name="RSquared">1 - RSS / TSS of ln delta (log space).</param>
/// <param name="PointCount">Points used.</param>
/// <param name="ResidualStandardError">sqrt(RSS / (n - p)) in log space: about the relative scatter of delta.</param>
/// <param name="Iterations">Levenberg-Marquardt iterations after the linear start.</param>
public sealed record ScalingLawFit(
    LawFamily Family, IReadOnlyList<FittedConstant> Constants, IReadOnlyList<double> Residuals, double RSquared,
    int PointCount, double ResidualStandardError, int Iterations)
{
    /// <summary>The fitted constants as a law named <paramref name="name"/>.</summary>
    public ScalingLaw ToLaw(string name) => new(name, Family, Constants.Select(c => c.Value).ToArray(), "fitted");
}
