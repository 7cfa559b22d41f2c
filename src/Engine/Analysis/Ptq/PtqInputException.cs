namespace QuantScope.Engine.Analysis.Ptq;

/// <summary>A PTQ request that cannot be carried out; names the request field (<c>preset</c>, <c>format</c>, <c>groupSize</c>, <c>checkpoint</c>, <c>keepHighPrecision</c>).</summary>
public sealed class PtqInputException : ArgumentException
{
    /// <summary>Creates the error for <paramref name="field"/>.</summary>
    public PtqInputException(string field, string problem) : base($"{field} {problem}")
    {
        Field = field;
        Problem = problem;
    }

    /// <summary>The offending request field.</summary>
    public string Field { get; }

    /// <summary>What is wrong, without the field.</summary>
    public string Problem { get; }
}
