namespace QuantScope.Engine.Analysis.Laws;

/// <summary>
/// Chen et al. 2025: delta = k · D^gD · (log2 G)^gG / N^gN, constants (k, gN, gD, gG).
/// ln delta = ln k - gN ln N + gD ln D + gG ln(log2 G): linear in (ln k, gN, gD, gG).
/// </summary>
internal sealed class ChenQatForm : ILawForm
{
    public static ChenQatForm Instance { get; } = new();

    public LawFamily Family => LawFamily.ChenQat;

    public IReadOnlyList<string> ConstantNames { get; } = ["k", "gN", "gD", "gG"];

    public string ThirdInput => "G";

    public string Formula => "delta = k * D^gD * (log2 G)^gG / N^gN";

    public double ThirdOf(LawInput input, int? pointIndex)
    {
        if (input.G is not { } g) throw new LawInputException("G", pointIndex, "is required by the Chen QAT law (group size)");
        // log2 G must be > 0 for (log2 G)^gG to be real and its logarithm finite: G = 1 has no group to share a scale.
        if (!double.IsFinite(g) || g < 2) throw new LawInputException("G", pointIndex, $"must be a finite group size >= 2 (log2 G > 0), got {LawNumbers.Show(g)}");
        return g;
    }

    public double LogDelta(IReadOnlyList<double> c, double n, double d, double x) =>
        Math.Log(c[0]) - c[1] * Math.Log(n) + c[2] * Math.Log(d) + c[3] * Math.Log(Math.Log2(x));

    public void LogGradient(IReadOnlyList<double> c, double n, double d, double x, Span<double> gradient)
    {
        gradient[0] = 1 / c[0];
        gradient[1] = -Math.Log(n);
        gradient[2] = Math.Log(d);
        gradient[3] = Math.Log(Math.Log2(x));
    }

    public void LinearFeatures(double n, double d, double x, Span<double> row)
    {
        row[0] = 1;
        row[1] = -Math.Log(n);
        row[2] = Math.Log(d);
        row[3] = Math.Log(Math.Log2(x));
    }

    public double[] FromLinear(IReadOnlyList<double> beta) => [Math.Exp(beta[0]), beta[1], beta[2], beta[3]];
}
