namespace QuantScope.Web.Tests.Reliability;

/// <summary>Child-process and fault tests run one at a time: each starts real servers on a 2-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Reliability";
}
