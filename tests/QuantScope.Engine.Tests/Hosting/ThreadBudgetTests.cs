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
    [InlineData(2, 0.0, 2)]    // idle machine
    [InlineData(2, 0.6, 1)]    // another process keeps most of a core busy
    [InlineData(2, 2.0, 1)]    // both cores busy with others: at least one thread
    [InlineData(16, 0.4, 16)]
    [InlineData(16, 8.0, 8)]
    [InlineData(16, 40.0, 1)]
    public void FreeCores_CoresBusyWithOthers_AreGivenBack(int cores, double others, int expected) =>
        Assert.Equal(expected, ThreadBudget.FreeCores(cores, others));

    [Fact]
    public void Others_TwoSnapshots_BusyTicksNotOursScaledToCpus()
    {
        // 2 CPUs, 200 ticks elapsed in all: 50 idle, 150 busy, of which 60 ours: 90 / 200 x 2 = 0.9 cores for others.
        var before = new CpuUsage.Snapshot(Total: 1_000, Idle: 400, Own: 100, Cpus: 2);
        var after = new CpuUsage.Snapshot(Total: 1_200, Idle: 450, Own: 160, Cpus: 2);
        Assert.Equal(0.9, CpuUsage.Others(before, after)!.Value, 12);
        Assert.Null(CpuUsage.Others(after, after)); // no time passed
        Assert.Equal(0, CpuUsage.Others(before, after with { Own = 260 })); // more than the busy ticks (rounding): never negative
    }

    [Fact]
    public void OthersBusyCores_ThisMachine_ReadsTheKernelCounters()
    {
        var others = new CpuUsage().OthersBusyCores();
        if (!OperatingSystem.IsLinux())
        {
            Assert.Null(others);
            return;
        }

        Assert.NotNull(others);
        Assert.InRange(others.Value, 0, Environment.ProcessorCount + 64.0); // /proc/stat counts the host's CPUs
    }

    [Fact]
    public void Available_FollowingABusyMachine_ShrinksToTheFreeCores()
    {
        var cores = Environment.ProcessorCount;
        var budget = new ThreadBudget(cores, followLoad: true, othersBusy: () => cores + 3.0); // others keep every core busy
        using var run = budget.Join();
        Assert.Equal(1, RunOn(() => run.Apply()));
        Assert.Equal(1, budget.Available);

        var unknown = new ThreadBudget(cores, followLoad: true, othersBusy: () => null); // no counters here: the budget stands
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
