using QuantScope.Engine.Analysis.Laws;

namespace QuantScope.Engine.Tests.Analysis.Laws;

public sealed class ScalingLawTests
{
    private static ScalingLaw Law(string name) => ScalingLaws.TryGet(name, out var law) ? law : throw new KeyNotFoundException(name);

    // Every Chen law at N = 1e9, D = 1e11, G = 128 (log2 G = 7):
    //   ln N = 20.723266, ln D = 25.328436, ln 7 = 1.945910.
    //   w4a4:          D^0.0745 = e^1.886968 = 6.59933; 7^0.7779 = e^1.513733 = 4.54362; N^0.2186 = e^4.530106 = 92.7684
    //                  delta = 0.1582 · 6.59933 · 4.54362 / 92.7684 = 0.0511338
    //   w4a16:         D^0.1610 = 59.0201; 7^0.3533 = 1.98872; N^0.3589 = 1698.63 -> 0.2522 · 59.0201 · 1.98872 / 1698.63 = 0.0174268
    //   w16a4:         D^0.0331 = 2.31260; 7^0.9812 = 6.74855; N^0.1816 = 43.0923 -> 0.1004 · 2.31260 · 6.74855 / 43.0923 = 0.0363617
    //   w4a4-fc2int8:  D^0.0964 = 11.4921; 7^0.3407 = 1.94055; N^0.2637 = 236.211 -> 0.3519 · 11.4921 · 1.94055 / 236.211 = 0.0332234
    //   w16a4-fc2int8: D^0.0827 = 8.12269; 7^0.4491 = 2.39626; N^0.2347 = 129.509 -> 0.1273 · 8.12269 · 2.39626 / 129.509 = 0.0191321
    [Theory]
    [InlineData("chen2025-w4a4", 0.05113382073)]
    [InlineData("chen2025-w4a16", 0.01742682298)]
    [InlineData("chen2025-w16a4", 0.03636167742)]
    [InlineData("chen2025-w4a4-fc2int8", 0.0332234072)]
    [InlineData("chen2025-w16a4-fc2int8", 0.01913206878)]
    public void Evaluate_ChenAt1e9Params1e11TokensGroup128_MatchesHandComputation(string name, double expected)
    {
        var delta = Law(name).Evaluate(new LawInput(1e9, 1e11, G: 128));
        Assert.Equal(expected, delta, expected * 1e-8);
    }

    [Fact]
    public void Evaluate_ChenGroupSize2_LogTermIsOne()
    {
        // log2 2 = 1, so (log2 G)^gG = 1 whatever gG: delta = k · D^gD / N^gN = 0.1582 · 6.59933 / 92.7684 = 0.0112541.
        var delta = Law("chen2025-w4a4").Evaluate(new LawInput(1e9, 1e11, G: 2));
        Assert.Equal(0.1582 * Math.Pow(1e11, 0.0745) / Math.Pow(1e9, 0.2186), delta, 1e-15);
        Assert.Equal(0.0112541, delta, 1e-6);
    }

    // Kumar: delta = 0.0598 · D^0.5068 / N^0.3439 · exp(-P / 0.5907).
    //   N 1e9, D 1e11, P 4: D^0.5068 = e^12.836452 = 375664.36; N^0.3439 = e^7.126731 = 1244.8012;
    //                       exp(-6.771627) = 0.001145829 -> 0.0598 · 375664.36 / 1244.8012 · 0.001145829 = 0.0206786
    //   N 1e8, D 2e10, P 8: D^0.5068 = 166173.59; N^0.3439 = 563.89728; exp(-13.543254) = 1.3129241e-6 -> 2.31368e-5
    [Theory]
    [InlineData(1e9, 1e11, 4, 0.02067859346)]
    [InlineData(1e8, 2e10, 8, 2.313677419e-05)]
    public void Evaluate_KumarPtq_MatchesHandComputation(double n, double d, double p, double expected)
    {
        var delta = Law("kumar2024-ptq").Evaluate(new LawInput(n, d, P: p));
        Assert.Equal(expected, delta, expected * 1e-8);
    }

    [Fact]
    public void Evaluate_KumarOneMoreBit_DividesByExpOneOverGPost()
    {
        var law = Law("kumar2024-ptq");
        var ratio = law.Evaluate(new LawInput(1e9, 1e11, P: 4)) / law.Evaluate(new LawInput(1e9, 1e11, P: 5));
        Assert.Equal(Math.Exp(1 / 0.5907), ratio, 1e-12);
    }

    [Theory]
    [InlineData(0, 1e11, "N")]
    [InlineData(-1e9, 1e11, "N")]
    [InlineData(double.NaN, 1e11, "N")]
    [InlineData(double.PositiveInfinity, 1e11, "N")]
    [InlineData(1e9, 0, "D")]
    [InlineData(1e9, double.NaN, "D")]
    public void Evaluate_NonPositiveOrNonFiniteSize_ThrowsNamingTheField(double n, double d, string field)
    {
        var ex = Assert.Throws<LawInputException>(() => Law("chen2025-w4a4").Evaluate(new LawInput(n, d, G: 128)));
        Assert.Equal(field, ex.Field);
        Assert.Null(ex.PointIndex);
        Assert.StartsWith(field + " must be", ex.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(0.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Evaluate_ChenWithoutGroupOfAtLeastTwo_ThrowsOnG(double? g)
    {
        var ex = Assert.Throws<LawInputException>(() => Law("chen2025-w16a4").Evaluate(new LawInput(1e9, 1e11, G: g)));
        Assert.Equal("G", ex.Field);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0.0)]
    [InlineData(-4.0)]
    [InlineData(double.NaN)]
    public void Evaluate_KumarWithoutPositiveBits_ThrowsOnP(double? p)
    {
        var ex = Assert.Throws<LawInputException>(() => Law("kumar2024-ptq").Evaluate(new LawInput(1e9, 1e11, G: 128, P: p)));
        Assert.Equal("P", ex.Field);
    }
}
