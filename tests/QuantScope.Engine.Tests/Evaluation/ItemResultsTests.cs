using QuantScope.Engine.Evaluation;

namespace QuantScope.Engine.Tests.Evaluation;

public sealed class ItemResultsTests
{
    [Fact]
    public void ToScore_CountsEachColumn()
    {
        var items = new ItemResults("facts", [true, false, true, true], [false, false, true, false]);
        Assert.Equal(new TaskScore("facts", 0.75, 0.25, 4), items.ToScore());
    }

    [Fact]
    public void Discordant_AgainstTwin_CountsItemsRightForOnlyOneSide()
    {
        var run = new ItemResults("facts", [true, false, true, false, false], [true, true, true, true, true]);
        var twin = new ItemResults("facts", [true, true, false, true, false], [false, false, false, false, false]);
        Assert.Equal((2, 1), run.Discordant(twin)); // items 1 and 3 only the twin; item 2 only the run; acc_norm plays no part
        Assert.Equal((1, 2), twin.Discordant(run));
        Assert.Equal((0, 0), run.Discordant(run));
    }

    [Fact]
    public void Discordant_DifferentItemCounts_ThrowsNamingTheTask()
    {
        var run = new ItemResults("reasoning", [true, false], [true, false]);
        var twin = new ItemResults("reasoning", [true], [true]);
        var error = Assert.Throws<ArgumentException>(() => run.Discordant(twin));
        Assert.Contains("Task reasoning: the twin scored 1 items, this model 2", error.Message);
    }
}
