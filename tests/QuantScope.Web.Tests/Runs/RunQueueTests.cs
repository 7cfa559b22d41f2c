using QuantScope.Web.Runs;

namespace QuantScope.Web.Tests.Runs;

public sealed class RunQueueTests
{
    private static readonly Guid A = Guid.NewGuid(), B = Guid.NewGuid(), C = Guid.NewGuid(), D = Guid.NewGuid();

    [Fact]
    public void Enter_BeyondTheSlots_WaitsInArrivalOrderAndStartsAsRunsEnd()
    {
        var queue = new RunQueue(2);
        Assert.True(queue.Enter(A));
        Assert.True(queue.Enter(B));
        Assert.False(queue.Enter(C));
        Assert.False(queue.Enter(D));
        Assert.Equal((2, 1, 2), (queue.Training, queue.Position(C), queue.Position(D)));
        Assert.Null(queue.Position(A)); // training, not waiting

        Assert.Equal([C], queue.Leave(A));
        Assert.Equal((2, null, 1), (queue.Training, queue.Position(C), queue.Position(D)));
        Assert.Equal([D], queue.Leave(B));
        Assert.Empty(queue.Leave(C));
        Assert.Equal(1, queue.Training);
    }

    [Fact]
    public void Withdraw_AWaitingRun_LeavesTheLineWithoutTakingASlot()
    {
        var queue = new RunQueue(1);
        Assert.True(queue.Enter(A));
        Assert.False(queue.Enter(B));
        Assert.False(queue.Enter(C));

        Assert.True(queue.Withdraw(B));
        Assert.False(queue.Withdraw(B));
        Assert.False(queue.Withdraw(A)); // training: cancelled through its handle instead
        Assert.Equal(1, queue.Position(C));
        Assert.Equal([C], queue.Leave(A));
    }

    [Fact]
    public void Enter_WhileOthersWait_QueuesBehindThemEvenWithAFreeSlot()
    {
        var queue = new RunQueue(1);
        Assert.True(queue.Enter(A));
        Assert.False(queue.Enter(B));
        Assert.True(queue.Withdraw(B));
        Assert.Empty(queue.Leave(A));
        Assert.True(queue.Enter(C)); // nobody waits and a slot is free
    }

    [Fact]
    public void Constructor_NoSlots_Throws() => Assert.Throws<ArgumentOutOfRangeException>(() => new RunQueue(0));
}
