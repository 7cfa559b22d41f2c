namespace QuantScope.Engine.Analysis.Laws;

/// <summary>A scaling law: a family's formula with one set of constants (published, or fitted by <see cref="ScalingLawFitter"/>).</summary>
/// <param name="Name">Registry name, e.g. <c>chen2025-w4a4</c>.</param>
/// <param name="Family">The formula the constants belong to.</param>
/// <param name="Constants">Values in the order of <see cref="ConstantNames"/>.</param>
/// <param name="Source">Where the constants come from (paper and setting), for display.</param>
public sealed record ScalingLaw(string Name, LawFamily Family, IReadOnlyList<double> Constants, string Source)
{
    /// <summary>
    /// Constant names in order: <c>k, gN, gD, gG</c> for <see cref="LawFamily.ChenQat"/>,
    /// <c>cT, gD, gN, gPost</c> for <see cref="LawFamily.KumarPtq"/>.
    /// </summary>
    public IReadOnlyList<string> ConstantNames => LawForms.Of(Family).ConstantNames;

    /// <summary>The family's formula as text.</summary>
    public string Formula => LawForms.Of(Family).Formula;

    /// <summary>The third input the family needs besides N and D: <c>G</c> or <c>P</c>.</summary>
    public string ThirdInput => LawForms.Of(Family).ThirdInput;

    /// <summary>
    /// The predicted loss gap delta (nats/token) at <paramref name="input"/>. Throws <see cref="LawInputException"/>
    /// naming the field when N or D is not positive and finite, or the family's third input is missing or invalid.
    /// </summary>
    public double Evaluate(LawInput input)
    {
        var form = LawForms.Of(Family);
        var x = LawNumbers.Check(form, input, pointIndex: null);
        return Math.Exp(form.LogDelta(Constants, input.N, input.D, x));
    }
}
