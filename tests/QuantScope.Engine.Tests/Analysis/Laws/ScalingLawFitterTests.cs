using System.Globalization;
using QuantScope.Engine.Analysis.Laws;
using Xunit.Abstractions;

namespace QuantScope.Engine.Tests.Analysis.Laws;

public sealed class ScalingLawFitterTests(ITestOutputHelper output)
{
    private static readonly double[] Ns = [1e8, 3e8, 1e9, 3e9, 1e10];
    private static readonly double[] Ds = [1e10, 1e11, 1e12];

    /// <summary>Points on a grid of N × D × third input, delta from <paramref name="law"/> times (1 + noise · z), z standard normal.</summary>
    private static List<LawPoint> Grid(ScalingLaw law, double[] thirds, double noise, int seed)
    {
        var random = new Random(seed);
        var points = new List<LawPoint>();
        foreach (var n in Ns)
        foreach (var d in Ds)
        foreach (var t in thirds)
        {
            var input = law.Family == LawFamily.ChenQat ? new LawInput(n, d, G: t) : new LawInput(n, d, P: t);
            // Box-Muller: one standard normal from two uniforms in (0, 1].
            var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            points.Add(new LawPoint(n, d, input.G, input.P, law.Evaluate(input) * (1 + noise * z)));
        }

        return points;
    }

    private static ScalingLaw Law(string name) => ScalingLaws.TryGet(name, out var law) ? law : throw new KeyNotFoundException(name);

    private static readonly double[] Groups = [32, 64, 128, 256];
    private static readonly double[] Bits = [3, 4, 5, 6, 8];

    [Theory]
    [InlineData("chen2025-w4a4")]
    [InlineData("chen2025-w16a4-fc2int8")]
    [InlineData("kumar2024-ptq")]
    public void Fit_TwoPercentNoise_EveryTrueConstantInsideIts95Interval(string name)
    {
        var law = Law(name);
        var points = Grid(law, law.Family == LawFamily.ChenQat ? Groups : Bits, noise: 0.02, seed: 20250811);
        var fit = ScalingLawFitter.Fit(law.Family, points);

        Assert.Equal(points.Count, fit.PointCount);
        Assert.Equal(points.Count, fit.Residuals.Count);
        Assert.Equal(law.ConstantNames, fit.Constants.Select(c => c.Name));
        for (var j = 0; j < law.Constants.Count; j++)
        {
            var c = fit.Constants[j];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name} {c.Name}: true {law.Constants[j]} fitted {c.Value:G6} ± {c.StandardError:G3} [{c.Lower95:G6}, {c.Upper95:G6}]"));
            Assert.InRange(law.Constants[j], c.Lower95, c.Upper95);
            Assert.True(c.StandardError > 0);
        }

        // 2 % relative noise is about 0.02 in ln delta.
        Assert.InRange(fit.ResidualStandardError, 0.01, 0.03);
        Assert.True(fit.RSquared > 0.99, $"R² {fit.RSquared}");
    }

    [Theory]
    [InlineData("chen2025-w4a16")]
    [InlineData("kumar2024-ptq")]
    public void Fit_ExactData_RecoversConstantsAndZeroResiduals(string name)
    {
        var law = Law(name);
        var points = Grid(law, law.Family == LawFamily.ChenQat ? Groups : Bits, noise: 0, seed: 1);
        var fit = ScalingLawFitter.Fit(law.Family, points);

        for (var j = 0; j < law.Constants.Count; j++) Assert.Equal(law.Constants[j], fit.Constants[j].Value, 1e-6);
        Assert.All(fit.Residuals, r => Assert.Equal(0, r, 1e-9));
        Assert.Equal(1, fit.RSquared, 1e-9);
    }

    [Fact]
    public void Fit_ChenMinimalPointCount_Fits()
    {
        // p + 1 = 5 points that vary N, D and G independently.
        var law = Law("chen2025-w4a4");
        LawInput[] inputs = [new(1e9, 1e11, 128), new(2e9, 1e11, 128), new(1e9, 3e11, 128), new(1e9, 1e11, 32), new(4e9, 2e12, 64)];
        var fit = ScalingLawFitter.Fit(LawFamily.ChenQat, inputs.Select(i => new LawPoint(i.N, i.D, i.G, null, law.Evaluate(i))).ToList());
        Assert.Equal(0.1582, fit.Constants[0].Value, 1e-6);
        Assert.Equal(0.7779, fit.Constants[3].Value, 1e-6);
    }

    [Fact]
    public void Fit_TooFewPoints_ThrowsOnPoints()
    {
        var points = Grid(Law("chen2025-w4a4"), Groups, 0, 1).Take(4).ToList();
        var ex = Assert.Throws<LawInputException>(() => ScalingLawFitter.Fit(LawFamily.ChenQat, points));
        Assert.Equal("points", ex.Field);
        Assert.Contains("at least 5", ex.Message);
    }

    [Fact]
    public void Fit_GroupSizeNeverChanges_ThrowsNotDetermined()
    {
        var points = Grid(Law("chen2025-w4a4"), [128], 0, 1);
        var ex = Assert.Throws<LawInputException>(() => ScalingLawFitter.Fit(LawFamily.ChenQat, points));
        Assert.Equal("points", ex.Field);
        Assert.Contains("do not determine", ex.Message);
    }

    [Theory]
    [InlineData(-1.0, 1e11, 128.0, 0.05, "N")]
    [InlineData(1e9, double.NaN, 128.0, 0.05, "D")]
    [InlineData(1e9, 1e11, 1.0, 0.05, "G")]
    [InlineData(1e9, 1e11, null, 0.05, "G")]
    [InlineData(1e9, 1e11, 128.0, 0.0, "delta")]
    [InlineData(1e9, 1e11, 128.0, -0.01, "delta")]
    [InlineData(1e9, 1e11, 128.0, double.PositiveInfinity, "delta")]
    public void Fit_BadPoint_ThrowsNamingFieldAndIndex(double n, double d, double? g, double delta, string field)
    {
        var points = Grid(Law("chen2025-w4a4"), Groups, 0, 1);
        points[7] = new LawPoint(n, d, g, null, delta);
        var ex = Assert.Throws<LawInputException>(() => ScalingLawFitter.Fit(LawFamily.ChenQat, points));
        Assert.Equal(field, ex.Field);
        Assert.Equal(7, ex.PointIndex);
        Assert.StartsWith($"points[7].{field} ", ex.Message);
    }

    [Fact]
    public void Fit_KumarPointWithoutBits_ThrowsOnP()
    {
        var points = Grid(Law("kumar2024-ptq"), Bits, 0, 1);
        points[2] = points[2] with { P = null, G = 128 };
        var ex = Assert.Throws<LawInputException>(() => ScalingLawFitter.Fit(LawFamily.KumarPtq, points));
        Assert.Equal("points[2].P", ex.Path);
    }

    [Theory]
    [InlineData("kumar2024-ptq", 1e-300, 1.0)]
    [InlineData("chen2025-w4a4", 1e-300, 1.0)]
    [InlineData("chen2025-w4a4", 1.0, 1e250)]
    public void Fit_ExtremeDeltasOrN_FiniteConstantsOrDidNotConverge(string name, double deltaScale, double nScale)
    {
        var law = Law(name);
        var points = Grid(law, law.Family == LawFamily.ChenQat ? Groups : Bits, noise: 0.02, seed: 7)
            .Select(p => p with { N = p.N * nScale, Delta = p.Delta * deltaScale }).ToList();

        try
        {
            var fit = ScalingLawFitter.Fit(law.Family, points);
            Assert.All(fit.Constants, c => Assert.True(double.IsFinite(c.Value) && double.IsFinite(c.StandardError), c.Name));
        }
        catch (LawInputException ex)
        {
            Assert.Equal("points", ex.Field);
            Assert.Contains("did not converge", ex.Message);
        }
    }
}
