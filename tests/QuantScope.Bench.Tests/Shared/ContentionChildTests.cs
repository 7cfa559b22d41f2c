using QuantScope.Bench.Contention;

namespace QuantScope.Bench.Tests.Shared;

/// <summary>The contention bench's child processes refuse arguments they do not know (no run is started).</summary>
public sealed class ContentionChildTests
{
    [Theory]
    [InlineData()]
    [InlineData("walk")]
    [InlineData("train", "1")]
    [InlineData("train3")]
    public async Task RunAsync_UnknownArguments_UsageErrorExit2(params string[] args) =>
        Assert.Equal(2, await ContentionChild.RunAsync(args));
}
