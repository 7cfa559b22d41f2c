using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace QuantScope.Engine.Analysis.Laws;

/// <summary>
/// Fits a law family's constants to observed points by nonlinear least squares on ln delta (so every point weighs by its
/// relative error, whatever its size). Both families are linear in a re-parameterisation (ln k or ln C_T, and 1 / g_post),
/// so ordinary least squares gives the start and Levenberg-Marquardt (MathNet) refines it in the natural constants,
/// whose standard errors come from the Jacobian there.
/// </summary>
public static class ScalingLawFitter
{
    /// <summary>
    /// Fits <paramref name="family"/> to <paramref name="points"/>. Needs at least p + 1 points for p constants (so
    /// that a residual variance exists) that vary in N, D and the third input independently. Throws
    /// <see cref="LawInputException"/> naming the field and point index for a non-positive or non-finite N, D or
    /// delta, a missing or invalid G (Chen, G &gt;= 2) or P (Kumar, P &gt; 0), too few points, or points that do not
    /// determine every constant, and "did not converge" with the reason when the optimizer fails or the constants or
    /// their errors come out non-finite (extreme inputs).
    /// </summary>
    public static ScalingLawFit Fit(LawFamily family, IReadOnlyList<LawPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var form = LawForms.Of(family);
        var p = form.ConstantNames.Count;
        var n = points.Count;
        var x = new double[n];
        var y = Vector<double>.Build.Dense(n);
        for (var i = 0; i < n; i++)
        {
            if (points[i] is not { } point) throw new LawInputException("points", i, "is null");
            x[i] = LawNumbers.Check(form, point.Input, i);
            if (!double.IsFinite(point.Delta) || point.Delta <= 0)
                throw new LawInputException("delta", i, $"must be a positive finite loss gap (it is fitted in log space), got {LawNumbers.Show(point.Delta)}");
            y[i] = Math.Log(point.Delta);
        }

        if (n < p + 1)
            throw new LawInputException("points", null, $"holds {n} point(s); fitting {p} constants ({string.Join(", ", form.ConstantNames)}) with standard errors needs at least {p + 1}");

        ScalingLawFit fit;
        try
        {
            var start = LinearStart(form, points, x, y);
            var (constants, iterations) = Refine(form, points, x, y, start);
            fit = Summarize(form, points, x, y, constants, iterations);
        }
        catch (Exception ex) when (ex is ArithmeticException or ArgumentException or InvalidOperationException or MathNet.Numerics.NonConvergenceException)
        {
            throw new LawInputException("points", null, $"did not converge: {ex.Message}");
        }
        // Deltas near 1e-300 or N near 1e300 overflow the forms' powers: say so instead of answering NaN constants.
        if (fit.Constants.Any(c => !double.IsFinite(c.Value) || !double.IsFinite(c.StandardError))
            || !fit.Residuals.All(double.IsFinite) || !double.IsFinite(fit.RSquared))
            throw new LawInputException("points", null, "did not converge: the fitted constants or their errors are not finite numbers (the points' N, D or delta span too extreme a range for the formula; rescale them)");
        return fit;
    }

    /// <summary>Exact least squares of the linearised model; throws when the design does not determine every constant.</summary>
    private static double[] LinearStart(ILawForm form, IReadOnlyList<LawPoint> points, double[] x, Vector<double> y)
    {
        var p = form.ConstantNames.Count;
        var design = Matrix<double>.Build.Dense(points.Count, p);
        var row = new double[p];
        for (var i = 0; i < points.Count; i++)
        {
            form.LinearFeatures(points[i].N, points[i].D, x[i], row);
            design.SetRow(i, row);
        }

        if (design.Rank() < p)
            throw new LawInputException("points", null,
                $"do not determine all {p} constants: N, D and {form.ThirdInput} must each take at least two values, independently of one another");
        var beta = design.QR().Solve(y);
        return form.FromLinear(beta.ToArray());
    }

    /// <summary>Levenberg-Marquardt in the natural constants from <paramref name="start"/>; keeps the start if LM does not improve it.</summary>
    private static (double[] Constants, int Iterations) Refine(ILawForm form, IReadOnlyList<LawPoint> points, double[] x, Vector<double> y, double[] start)
    {
        // The model's "x" is the point index: each point carries three inputs, which the closures look up.
        var index = Vector<double>.Build.Dense(points.Count, i => i);
        var model = ObjectiveFunction.NonlinearModel(
            (c, idx) => { var cs = c.ToArray(); return Vector<double>.Build.Dense(idx.Count, i => Predict(form, cs, points, x, i)); },
            (c, idx) => Jacobian(form, c.ToArray(), points, x),
            index, y);
        try
        {
            var result = new LevenbergMarquardtMinimizer(maximumIterations: 200).FindMinimum(model, Vector<double>.Build.DenseOfArray(start));
            var refined = result.MinimizingPoint.ToArray();
            if (refined.All(double.IsFinite) && Rss(form, refined, points, x, y) <= Rss(form, start, points, x, y))
                return (refined, result.Iterations);
        }
        catch (Exception ex) when (ex is MaximumIterationsException or ArithmeticException)
        {
            // The linear start is already the least-squares optimum up to rounding: fall back to it.
        }

        return (start, 0);
    }

    private static ScalingLawFit Summarize(ILawForm form, IReadOnlyList<LawPoint> points, double[] x, Vector<double> y, double[] constants, int iterations)
    {
        var n = points.Count;
        var p = constants.Length;
        var residuals = new double[n];
        for (var i = 0; i < n; i++) residuals[i] = y[i] - Predict(form, constants, points, x, i);
        var rss = residuals.Sum(r => r * r);
        var mean = y.Average();
        var tss = y.Sum(v => (v - mean) * (v - mean));
        var dof = n - p;
        var s2 = rss / dof;

        // Asymptotic covariance s² (JᵀJ)⁻¹ at the optimum; the interval uses Student t with n - p degrees of freedom.
        var jacobian = Jacobian(form, constants, points, x);
        var covariance = jacobian.TransposeThisAndMultiply(jacobian).Inverse() * s2;
        var t = StudentT.InvCDF(0, 1, dof, 0.975);
        var fitted = new FittedConstant[p];
        for (var j = 0; j < p; j++)
        {
            var se = Math.Sqrt(Math.Max(covariance[j, j], 0));
            fitted[j] = new FittedConstant(form.ConstantNames[j], constants[j], se, constants[j] - t * se, constants[j] + t * se);
        }

        // TSS is 0 only when every delta is equal; then a perfect fit explains everything and any other explains nothing.
        var rSquared = tss > 0 ? 1 - rss / tss : rss == 0 ? 1 : 0;
        return new ScalingLawFit(form.Family, fitted, residuals, rSquared, n, Math.Sqrt(s2), iterations);
    }

    private static double Predict(ILawForm form, IReadOnlyList<double> c, IReadOnlyList<LawPoint> points, double[] x, int i) =>
        form.LogDelta(c, points[i].N, points[i].D, x[i]);

    private static Matrix<double> Jacobian(ILawForm form, IReadOnlyList<double> c, IReadOnlyList<LawPoint> points, double[] x)
    {
        var p = form.ConstantNames.Count;
        var jacobian = Matrix<double>.Build.Dense(points.Count, p);
        Span<double> gradient = stackalloc double[p];
        for (var i = 0; i < points.Count; i++)
        {
            form.LogGradient(c, points[i].N, points[i].D, x[i], gradient);
            for (var j = 0; j < p; j++) jacobian[i, j] = gradient[j];
        }

        return jacobian;
    }

    private static double Rss(ILawForm form, double[] c, IReadOnlyList<LawPoint> points, double[] x, Vector<double> y)
    {
        var rss = 0.0;
        for (var i = 0; i < points.Count; i++)
        {
            var r = y[i] - Predict(form, c, points, x, i);
            rss += r * r;
        }

        return double.IsNaN(rss) ? double.PositiveInfinity : rss;
    }
}
