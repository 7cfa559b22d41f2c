using Orleans.Runtime;
using QuantScope.Web.Cluster;

namespace QuantScope.Web.Tests.Cluster;

public sealed class CapacityLedgerTests
{
    private static readonly DateTime T0 = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);
    private static readonly SiloAddress A = SiloAddress.New(IPAddress.Loopback, 11111, 1);
    private static readonly SiloAddress B = SiloAddress.New(IPAddress.Loopback, 11112, 1);

    private static WorkerInfoDto Worker(SiloAddress silo, int slots, params Guid[] running) =>
        new(silo, silo.ToString(), slots, [new DeviceDto("cpu", "cpu", 1)], running, HeartbeatSeconds: 1);

    [Fact]
    public void Reserve_TwoWorkers_TakesTheOneWithMostFreeSlots()
    {
        var ledger = new CapacityLedger();
        ledger.Announce(Worker(A, 4, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()), T0);
        ledger.Announce(Worker(B, 2), T0);

        Assert.Equal(B, ledger.Reserve(Guid.NewGuid(), [A, B], T0)); // B 2 free, A 1
        Assert.Equal(A, ledger.Reserve(Guid.NewGuid(), [A, B], T0)); // 1 free each: the one chosen longest ago
        Assert.Equal(B, ledger.Reserve(Guid.NewGuid(), [A, B], T0)); // B's last slot
        Assert.Null(ledger.Reserve(Guid.NewGuid(), [A, B], T0));
    }

    [Fact]
    public void Reserve_AllSlotsHeld_ReturnsNull()
    {
        var ledger = new CapacityLedger();
        ledger.Announce(Worker(A, 1), T0);

        Assert.Equal(A, ledger.Reserve(Guid.NewGuid(), [A], T0));
        Assert.Null(ledger.Reserve(Guid.NewGuid(), [A], T0));
    }

    [Fact]
    public void Reserve_SameJobTwice_KeepsItsWorkerAndOneSlot()
    {
        var ledger = new CapacityLedger();
        ledger.Announce(Worker(A, 2), T0);
        ledger.Announce(Worker(B, 2), T0);
        var job = Guid.NewGuid();

        var first = ledger.Reserve(job, [A, B], T0);

        Assert.Equal(first, ledger.Reserve(job, [A, B], T0));
        Assert.Equal(1, ledger.List(T0).Sum(w => w.Busy));
    }

    [Fact]
    public void Reserve_WorkerNotAmongCandidates_IsNeverChosen()
    {
        var ledger = new CapacityLedger();
        ledger.Announce(Worker(A, 8), T0);
        ledger.Announce(Worker(B, 1), T0);

        Assert.Equal(B, ledger.Reserve(Guid.NewGuid(), [B], T0));
        Assert.Null(ledger.Reserve(Guid.NewGuid(), [B], T0));
    }

    [Fact]
    public void List_WorkerSilentForThreeHeartbeats_IsForgotten()
    {
        var ledger = new CapacityLedger();
        ledger.Announce(Worker(A, 1), T0);
        ledger.Announce(Worker(B, 1), T0.AddSeconds(3));

        var live = ledger.List(T0.AddSeconds(3.5));

        Assert.Equal([B.ToString()], live.Select(w => w.Silo));
        Assert.Equal(B, ledger.Reserve(Guid.NewGuid(), [A, B], T0.AddSeconds(3.5)));
    }

    [Fact]
    public void Release_EndedJob_FreesItsSlot()
    {
        var ledger = new CapacityLedger();
        var job = Guid.NewGuid();
        ledger.Announce(Worker(A, 1, job), T0);
        Assert.Null(ledger.Reserve(Guid.NewGuid(), [A], T0));

        ledger.Release(A, job);

        Assert.Equal(A, ledger.Reserve(Guid.NewGuid(), [A], T0));
    }

    [Fact]
    public void Announce_ReservedJobNowRunning_CountsItOnce()
    {
        var ledger = new CapacityLedger();
        ledger.Announce(Worker(A, 2), T0);
        var job = Guid.NewGuid();
        ledger.Reserve(job, [A], T0);

        ledger.Announce(Worker(A, 2, job), T0.AddSeconds(1));

        Assert.Equal(1, ledger.List(T0.AddSeconds(1)).Single().Busy);
    }

    [Fact]
    public void Announce_ReservationNeverReported_LapsesAfterItsLifetime()
    {
        var ledger = new CapacityLedger();
        ledger.Announce(Worker(A, 1), T0);
        ledger.Reserve(Guid.NewGuid(), [A], T0);
        var later = T0 + CapacityLedger.ReservationLifetime + TimeSpan.FromSeconds(1);

        ledger.Announce(Worker(A, 1), later);

        Assert.Equal(0, ledger.List(later).Single().Busy);
    }
}
