using QuantScope.Engine.Hosting;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Hosting;

public sealed class ThreadBudgetTests
{
    [Theory]
    [InlineData(2, 1, 2)]
    [InlineData(2, 2, 1)]
    [InlineData(2, 3, 1)]
    [InlineData(16, 1, 16)]
    [InlineData(16, 3, 5)]
    [InlineData(16, 16, 1)]
    [InlineData(1, 0, 1)]
    public void Share_BudgetAmongRuns_EqualWholeShareAtLeastOne(int budget, int runs, int expected) =>
        Assert.Equal(expected, ThreadBudget.Share(budget, runs));

    [Theory]
    [InlineData(2, 0.0, 0, 2)]   // idle machine
    [InlineData(2, 2.1, 0, 1)]   // another process keeps both cores busy: at least one thread
    [InlineData(2, 2.0, 2, 2)]   // the load is our own two threads
    [InlineData(16, 4.2, 4, 16)]
    [InlineData(16, 10.0, 2, 8)] // 8 cores busy with others
    [InlineData(16, 40.0, 0, 1)]
    public void FreeCores_LoadBeyondOurOwnThreads_IsGivenBack(int cores, double load, int own, int expected) =>
        Assert.Equal(expected, ThreadBudget.FreeCores(cores, load, own));

    [Fact]
    public void Available_FollowingABusyMachine_ShrinksToTheFreeCores()
    {
        var cores = Environment.ProcessorCount;
        var budget = new ThreadBudget(cores, followLoad: true, load: () => cores + 3.0); // others keep every core busy
        using var run = budget.Join();
        Assert.Equal(1, RunOn(() => run.Apply()));
        Assert.Equal(1, budget.Available);

        var unknown = new ThreadBudget(cores, followLoad: true, load: () => null); // no load average here: the budget stands
        using var other = unknown.Join();
        Assert.Equal(cores, RunOn(() => other.Apply()));
    }

    [Fact]
    public void Apply_RunsJoinAndLeave_EachThreadGetsItsShareFromTorch()
    {
        var before = get_num_threads(); // set_num_threads also sets the default of threads made later: restored below
        try
        {
            var budget = new ThreadBudget(2);
            using var first = budget.Join();
            Assert.Equal((2, 2), RunOn(() => (first.Apply(), get_num_threads())));

            var second = budget.Join();
            Assert.Equal((1, 1), RunOn(() => (second.Apply(), get_num_threads())));
            Assert.Equal((1, 1), RunOn(() => (first.Apply(), get_num_threads()))); // the first run's next step: its share shrank
            Assert.Equal(2, budget.Active);

            second.Dispose();
            second.Dispose(); // leaving twice counts once
            Assert.Equal(1, budget.Active);
            Assert.Equal((2, 2), RunOn(() => (first.Apply(), get_num_threads())));
        }
        finally
        {
            set_num_threads(before);
        }
    }

    // Each run applies its share on its own training thread; a fresh thread here stands for one.
    private static T RunOn<T>(Func<T> work)
    {
        T result = default!;
        var thread = new Thread(() => result = work());
        thread.Start();
        thread.Join();
        return result;
    }
}
