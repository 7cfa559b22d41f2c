namespace QuantScope.Engine.Analysis.Laws;

/// <summary>A scaling-law input or fit point that cannot be used; names the field and, for fits, the point.</summary>
public sealed class LawInputException : ArgumentException
{
    /// <summary>Creates the error for <paramref name="field"/> of point <paramref name="pointIndex"/> (null outside a point list).</summary>
    public LawInputException(string field, int? pointIndex, string problem)
        : base($"{PathOf(field, pointIndex)} {problem}") // no paramName: it would append "(Parameter ...)" to the message
    {
        Field = field;
        PointIndex = pointIndex;
        Problem = problem;
    }

    /// <summary>The offending field: <c>N</c>, <c>D</c>, <c>G</c>, <c>P</c>, <c>delta</c> or <c>points</c>.</summary>
    public string Field { get; }

    /// <summary>0-based index of the offending point in the fit's list; null for a single evaluation or the whole list.</summary>
    public int? PointIndex { get; }

    /// <summary>What is wrong, without the field, e.g. "must be a positive finite number, got -1".</summary>
    public string Problem { get; }

    /// <summary>The field's path: <c>N</c>, or <c>points[3].N</c> inside a point list.</summary>
    public string Path => PathOf(Field, PointIndex);

    private static string PathOf(string field, int? index) => index is { } i ? $"points[{i}].{field}" : field;
}
