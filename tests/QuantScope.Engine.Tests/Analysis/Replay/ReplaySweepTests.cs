using QuantScope.Engine.Analysis.Replay;

namespace QuantScope.Engine.Tests.Analysis.Replay;

public class ReplaySweepTests
{
    [Fact]
    public void Run_PeriodicSpikes_LongerMaxWindowRemovesEventsMostRecentKeepsThem()
    {
        // A spike every 8 steps on a flat amax of 1.
        var amax = Enumerable.Range(0, 64).Select(i => i % 8 == 7 ? 10f : 1f).ToArray();
        var steps = Enumerable.Range(0, 64).ToArray();
        var cells = ReplaySweep.Run(steps, amax, [1, 4, 16], [AmaxAlgorithm.Max, AmaxAlgorithm.MostRecent], new ReplaySettings());
        Assert.Equal(6, cells.Count);
        Assert.Equal([(AmaxAlgorithm.Max, 1), (AmaxAlgorithm.Max, 4), (AmaxAlgorithm.Max, 16)], cells.Take(3).Select(c => (c.Algorithm, c.HistoryLength)));
        Assert.Equal(8, cells[0].Events);  // H=1: every spike
        Assert.Equal(8, cells[1].Events);  // H=4 < spike period
        Assert.Equal(1, cells[2].Events);  // H=16 remembers the previous spike: only the first saturates
        Assert.All(cells.Skip(3), c => Assert.Equal(8, c.Events)); // most_recent ignores H
        Assert.All(cells, c => Assert.Equal(64, c.Measured));
        Assert.Equal(8 / 64.0, cells[0].SaturationRate);
        Assert.True(cells[0].MeanExpectedOverflow > 0);
    }
}
