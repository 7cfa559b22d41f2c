namespace QuantScope.Engine.Analysis.Laws;

/// <summary>
/// Kumar et al. 2024: delta = C_T · D^gD / N^gN · exp(-P / g_post), constants (cT, gD, gN, gPost).
/// ln delta = ln C_T + gD ln D - gN ln N - P / g_post: linear in (ln C_T, gD, gN, 1 / g_post).
/// </summary>
internal sealed class KumarPtqForm : ILawForm
{
    public static KumarPtqForm Instance { get; } = new();

    public LawFamily Family => LawFamily.KumarPtq;

    public IReadOnlyList<string> ConstantNames { get; } = ["cT", "gD", "gN", "gPost"];

    public string ThirdInput => "P";

    public string Formula => "delta = C_T * D^gD / N^gN * exp(-P / g_post)";

    public double ThirdOf(LawInput input, int? pointIndex)
    {
        if (input.P is not { } p) throw new LawInputException("P", pointIndex, "is required by the Kumar PTQ law (post-training bits)");
        if (!double.IsFinite(p) || p <= 0) throw new LawInputException("P", pointIndex, $"must be a positive finite number of bits, got {LawNumbers.Show(p)}");
        return p;
    }

    public double LogDelta(IReadOnlyList<double> c, double n, double d, double x) =>
        Math.Log(c[0]) + c[1] * Math.Log(d) - c[2] * Math.Log(n) - x / c[3];

    public void LogGradient(IReadOnlyList<double> c, double n, double d, double x, Span<double> gradient)
    {
        gradient[0] = 1 / c[0];
        gradient[1] = Math.Log(d);
        gradient[2] = -Math.Log(n);
        gradient[3] = x / (c[3] * c[3]);
    }

    public void LinearFeatures(double n, double d, double x, Span<double> row)
    {
        row[0] = 1;
        row[1] = Math.Log(d);
        row[2] = -Math.Log(n);
        row[3] = -x;
    }

    public double[] FromLinear(IReadOnlyList<double> beta)
    {
        // beta[3] = 1 / g_post; zero means delta does not change with P, and g_post is then unbounded.
        var gPost = 1 / beta[3];
        if (!double.IsFinite(gPost)) throw new LawInputException("P", null, "does not change delta in these points, so g_post cannot be fitted");
        return [Math.Exp(beta[0]), beta[1], beta[2], gPost];
    }
}
