namespace QuantScope.Bench.Shared;

/// <summary>
/// Lets several threads run one at a time in a fixed round: the thread holding the turn runs until it calls
/// <see cref="Pass"/>, which hands the turn to the next seat still taking part and waits for its own turn again.
/// Benches that compare trainers use it to interleave them step by step, so a slower stretch of the machine
/// (a neighbour's load, a frequency change) falls on every trainer's steps alike instead of on whichever ran then.
/// </summary>
public sealed class Turns
{
    private readonly object _gate = new();
    private readonly bool[] _left;
    private readonly bool[] _holding;
    private int _turn;

    /// <summary>Seats 0..<paramref name="seats"/>-1; seat 0 has the first turn.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No seat.</exception>
    public Turns(int seats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seats, 1);
        _left = new bool[seats];
        _holding = new bool[seats];
    }

    /// <summary>
    /// Called by seat <paramref name="seat"/>'s thread: if it holds the turn, hands it on; then blocks until the turn
    /// is its own. The first call only waits.
    /// </summary>
    public void Pass(int seat)
    {
        lock (_gate)
        {
            if (_holding[seat]) HandOn(seat);
            while (_turn != seat) Monitor.Wait(_gate);
            _holding[seat] = true;
        }
    }

    /// <summary>Seat <paramref name="seat"/> is finished (or failed): it takes no more turns and hands on the one it holds.</summary>
    public void Leave(int seat)
    {
        lock (_gate)
        {
            _left[seat] = true;
            if (_turn == seat) HandOn(seat);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/>(seat, pass) for every seat on its own thread, taking turns: each seat's work starts
    /// on its first turn and calls pass to hand the turn on; when a seat's work returns or throws, the seat leaves.
    /// Returns the results in seat order once every thread is done; the first failure is rethrown.
    /// </summary>
    public static T[] Run<T>(int seats, Func<int, Action, T> work)
    {
        var turns = new Turns(seats);
        var results = new T[seats];
        var failures = new Exception?[seats];
        var threads = Enumerable.Range(0, seats).Select(seat => new Thread(() =>
        {
            try
            {
                turns.Pass(seat);
                results[seat] = work(seat, () => turns.Pass(seat));
            }
            catch (Exception e)
            {
                failures[seat] = e;
            }
            finally
            {
                turns.Leave(seat);
            }
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
        if (failures.FirstOrDefault(f => f is not null) is { } failure)
            throw new InvalidOperationException($"A seat of the turn-taking run failed: {failure.Message}", failure);
        return results;
    }

    // The turn goes to the next seat after this one that has not left; with none, it stays (nobody waits for it).
    private void HandOn(int seat)
    {
        _holding[seat] = false;
        for (var step = 1; step <= _left.Length; step++)
        {
            var next = (seat + step) % _left.Length;
            if (_left[next]) continue;
            _turn = next;
            Monitor.PulseAll(_gate);
            return;
        }
    }
}
