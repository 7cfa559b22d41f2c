using QuantScope.Engine.Analysis.Laws;

namespace QuantScope.Web.Api;

/// <summary>Engine law types to and from the wire contracts; shared by the API and the <c>law</c> verb.</summary>
public static class LawMapping
{
    /// <summary>The law with its constants by name.</summary>
    public static LawDto ToDto(ScalingLaw law) =>
        new(law.Name, law.Family, law.Formula, law.ThirdInput, ConstantsOf(law), law.Source);

    /// <summary>The evaluation input; throws <see cref="LawInputException"/> when N or D is missing.</summary>
    public static LawInput ToInput(LawEvaluateRequestDto body) =>
        new(Required(body.N, "N", null), Required(body.D, "D", null), body.G, body.P);

    /// <summary>The fit's points; throws <see cref="LawInputException"/> naming the point for a missing N, D or delta.</summary>
    public static List<LawPoint> ToPoints(IReadOnlyList<LawPointDto?>? points)
    {
        if (points is null) throw new LawInputException("points", null, "is required: an array of {N, D, G, P, delta}");
        var result = new List<LawPoint>(points.Count);
        for (var i = 0; i < points.Count; i++)
        {
            var p = points[i] ?? throw new LawInputException("points", i, "must be an object {N, D, G, P, delta}");
            result.Add(new LawPoint(Required(p.N, "N", i), Required(p.D, "D", i), p.G, p.P, Required(p.Delta, "delta", i)));
        }

        return result;
    }

    /// <summary>The fit next to the published constants of <paramref name="law"/>.</summary>
    public static LawFitResultDto ToDto(ScalingLawFit fit, ScalingLaw law) => new(
        law.Name, fit.Family, law.Formula, fit.PointCount, fit.RSquared, fit.ResidualStandardError,
        fit.Constants.Select((c, j) => new LawFittedConstantDto(c.Name, c.Value, c.StandardError, c.Lower95, c.Upper95, law.Constants[j])).ToArray(),
        fit.Residuals, ConstantsOf(law));

    private static Dictionary<string, double> ConstantsOf(ScalingLaw law) =>
        law.ConstantNames.Zip(law.Constants).ToDictionary(p => p.First, p => p.Second);

    private static double Required(double? value, string field, int? index) =>
        value ?? throw new LawInputException(field, index, "is required");
}
