namespace QuantScope.Engine.Analysis.Laws;

/// <summary>
/// One law family's math, in log space: ln delta = f(constants; ln N, ln D, third input). Both families are linear in a
/// re-parameterisation (<see cref="LinearFeatures"/>), which gives the fitter an exact least-squares start.
/// </summary>
internal interface ILawForm
{
    LawFamily Family { get; }

    /// <summary>Constant names in the order of every constants vector.</summary>
    IReadOnlyList<string> ConstantNames { get; }

    /// <summary>Name of the third input: "G" or "P".</summary>
    string ThirdInput { get; }

    /// <summary>Human-readable formula.</summary>
    string Formula { get; }

    /// <summary>The third input of <paramref name="input"/>, checked; throws <see cref="LawInputException"/>.</summary>
    double ThirdOf(LawInput input, int? pointIndex);

    /// <summary>ln delta at (N, D, x) for <paramref name="c"/>.</summary>
    double LogDelta(IReadOnlyList<double> c, double n, double d, double x);

    /// <summary>d ln delta / d c_j into <paramref name="gradient"/>.</summary>
    void LogGradient(IReadOnlyList<double> c, double n, double d, double x, Span<double> gradient);

    /// <summary>Row of the linear model ln delta = row · beta.</summary>
    void LinearFeatures(double n, double d, double x, Span<double> row);

    /// <summary>Natural constants from the linear coefficients beta.</summary>
    double[] FromLinear(IReadOnlyList<double> beta);
}
