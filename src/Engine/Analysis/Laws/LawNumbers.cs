using System.Globalization;

namespace QuantScope.Engine.Analysis.Laws;

/// <summary>Checks and formatting shared by the law forms and the fitter.</summary>
internal static class LawNumbers
{
    /// <summary>Round-trippable, culture-invariant text of <paramref name="value"/> for error messages.</summary>
    public static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>N and D must be positive and finite (their logarithms enter every law).</summary>
    public static void CheckSize(double value, string field, int? pointIndex)
    {
        if (!double.IsFinite(value) || value <= 0)
            throw new LawInputException(field, pointIndex, $"must be a positive finite number, got {Show(value)}");
    }

    /// <summary>Validates N, D and the family's third input; returns the third input.</summary>
    public static double Check(ILawForm form, LawInput input, int? pointIndex)
    {
        CheckSize(input.N, "N", pointIndex);
        CheckSize(input.D, "D", pointIndex);
        return form.ThirdOf(input, pointIndex);
    }
}
