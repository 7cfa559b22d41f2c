namespace QuantScope.Engine.Analysis.KeepList;

/// <summary>A keep-list request that cannot be answered; names the field (<c>target</c>, <c>quant</c>, <c>errorBoth</c>).</summary>
public sealed class KeepListInputException : ArgumentException
{
    /// <summary>Creates the error for <paramref name="field"/>.</summary>
    public KeepListInputException(string field, string problem) : base($"{field} {problem}")
    {
        Field = field;
        Problem = problem;
    }

    /// <summary>The offending field.</summary>
    public string Field { get; }

    /// <summary>What is wrong, without the field.</summary>
    public string Problem { get; }
}
