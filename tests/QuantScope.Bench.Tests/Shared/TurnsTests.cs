using QuantScope.Bench.Shared;

namespace QuantScope.Bench.Tests.Shared;

/// <summary>Turn taking on real threads: the order of the work, never its timing.</summary>
public sealed class TurnsTests
{
    // Each seat does `steps[seat]` steps, handing the turn on before each one, as a trainer does between its steps.
    private static (List<int> Log, int[] Results) Play(params int[] steps)
    {
        var log = new List<int>();
        var results = Turns.Run(steps.Length, (seat, pass) =>
        {
            for (var step = 0; step < steps[seat]; step++)
            {
                pass();
                lock (log) log.Add(seat); // the lock only guards the list; the turns alone order the entries
            }

            return seat * 10;
        });
        return (log, results);
    }

    [Fact]
    public void Run_SeatsTakeOneStepEachInOrder()
    {
        var (log, results) = Play(3, 3, 3);
        Assert.Equal([0, 1, 2, 0, 1, 2, 0, 1, 2], log);
        Assert.Equal([0, 10, 20], results);
    }

    [Fact]
    public void Run_AFinishedSeatIsSkipped()
    {
        var (log, _) = Play(4, 1, 3);
        Assert.Equal([0, 1, 2, 0, 2, 0, 2, 0], log);
    }

    [Fact]
    public void Run_OneSeat_RunsAlone()
    {
        var (log, results) = Play(2);
        Assert.Equal([0, 0], log);
        Assert.Equal([0], results);
    }

    [Fact]
    public void Run_AFailingSeatLeavesAndTheOthersFinish()
    {
        var log = new List<int>();
        var failure = Assert.Throws<InvalidOperationException>(() => Turns.Run(3, (seat, pass) =>
        {
            for (var step = 0; step < 3; step++)
            {
                pass();
                if (seat == 1 && step == 1) throw new IOException("seat 1 broke");
                lock (log) log.Add(seat);
            }

            return seat;
        }));

        Assert.IsType<IOException>(failure.InnerException);
        Assert.Contains("seat 1 broke", failure.Message);
        Assert.Equal([0, 1, 2, 0, 2, 0, 2], log);
    }

    [Fact]
    public void Constructor_NoSeat_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Turns(0));
}
