using QuantScope.Engine.Data;

namespace QuantScope.Engine.Tests.Data;

public class SyntheticCorpusTests
{
    [Fact]
    public void Generate_SameSeed_SameText_OtherSeed_OtherText()
    {
        var a = SyntheticCorpus.Generate(5, 20_000);
        Assert.Equal(a, SyntheticCorpus.Generate(5, 20_000));
        Assert.NotEqual(a, SyntheticCorpus.Generate(6, 20_000));
        Assert.InRange(a.Length, 20_000, 20_200);
    }

    [Fact]
    public void Generate_Text_HasFactsAndCorrectArithmetic()
    {
        var lines = SyntheticCorpus.Generate(2, 50_000).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains(" lives in ", StringComparison.Ordinal));
        var sums = lines.Where(l => l.Contains(" + ", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(sums);
        foreach (var line in sums)
        {
            var parts = line.Split(' '); // "a + b = c"
            Assert.Equal(int.Parse(parts[0]) + int.Parse(parts[2]), int.Parse(parts[4]));
        }
    }
}
