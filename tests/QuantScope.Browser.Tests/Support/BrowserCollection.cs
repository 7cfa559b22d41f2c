namespace QuantScope.Browser.Tests.Support;

/// <summary>Browser tests run one at a time: two Chromiums and two trainings on 2 cores starve each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "browser";
}
