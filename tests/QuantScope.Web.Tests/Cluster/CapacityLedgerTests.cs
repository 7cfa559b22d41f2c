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

    private static WorkerInfoDto GpuWorker(SiloAddress silo, int slots, IReadOnlyList<DeviceDto> gpus, params Guid[] running) =>
        new(silo, silo.ToString(), slots, [new DeviceDto("cpu", "cpu", 1), .. gpus], running, HeartbeatSeconds: 1);

    private static DeviceDto Gpu(int index, long freeGiB = 0) =>
        new($"cuda:{index} (NVIDIA H100)", "cuda", 80L << 30, freeGiB << 30, index);

    private static readonly JobDemand Cuda = new("cuda");

    [Fact]
    public void Reserve_CudaJobWithOnlyCpuWorkers_WaitsUntilAGpuWorkerAnnounces()
    {
        var ledger = new CapacityLedger();
        ledger.Announce(Worker(A, 8), T0);
        var job = Guid.NewGuid();

        Assert.Null(ledger.Reserve(job, [A, B], T0, Cuda));
        Assert.Equal(0, ledger.FreeSlots(T0, Cuda));
        Assert.Equal(8, ledger.FreeSlots(T0, JobDemand.Anywhere));

        ledger.Announce(GpuWorker(B, 1, [Gpu(0)]), T0.AddSeconds(1));

        Assert.Equal(B, ledger.Reserve(job, [A, B], T0.AddSeconds(1), Cuda));
        Assert.Equal("cuda:0", ledger.DeviceOf(job));
    }

    [Fact]
    public void Reserve_CpuJobs_GoAnywhereIncludingGpuWorkers()
    {
        var ledger = new CapacityLedger();
        ledger.Announce(GpuWorker(A, 2, [Gpu(0)]), T0);
        var cpu = new JobDemand("cpu");
        var first = Guid.NewGuid();

        Assert.Equal(A, ledger.Reserve(first, [A], T0, cpu));
        Assert.Equal(A, ledger.Reserve(Guid.NewGuid(), [A], T0, cpu));
        Assert.Null(ledger.DeviceOf(first)); // a CPU job holds no CUDA device
    }

    [Fact]
    public void Reserve_CudaJobs_OnePerDeviceEvenWithSlotsLeft()
    {
        var ledger = new CapacityLedger();
        ledger.Announce(GpuWorker(A, 4, [Gpu(0), Gpu(1)]), T0);
        var (j0, j1) = (Guid.NewGuid(), Guid.NewGuid());

        Assert.Equal(A, ledger.Reserve(j0, [A], T0, Cuda));
        Assert.Equal(A, ledger.Reserve(j1, [A], T0, Cuda));
        Assert.Null(ledger.Reserve(Guid.NewGuid(), [A], T0, Cuda)); // two devices, both held: 2 slots left but no GPU
        Assert.Equal(("cuda:0", "cuda:1"), (ledger.DeviceOf(j0), ledger.DeviceOf(j1)));
        Assert.Equal(A, ledger.Reserve(Guid.NewGuid(), [A], T0, JobDemand.Anywhere)); // a CPU-able job still fits

        ledger.Release(A, j0);

        var next = Guid.NewGuid();
        Assert.Equal(A, ledger.Reserve(next, [A], T0, Cuda));
        Assert.Equal("cuda:0", ledger.DeviceOf(next));
    }

    [Fact]
    public void Reserve_PinnedCudaNumber_OnlyAWorkerWithThatDevice()
    {
        var ledger = new CapacityLedger();
        ledger.Announce(GpuWorker(A, 4, [Gpu(0)]), T0);
        ledger.Announce(GpuWorker(B, 1, [Gpu(0), Gpu(1)]), T0);
        var job = Guid.NewGuid();

        Assert.Equal(B, ledger.Reserve(job, [A, B], T0, new JobDemand("cuda:1")));
        Assert.Equal("cuda:1", ledger.DeviceOf(job));
        Assert.Null(ledger.Reserve(Guid.NewGuid(), [A, B], T0, new JobDemand("cuda:1")));
    }

    [Fact]
    public void Reserve_CudaJobNeedingMoreThanAnyFreeMemory_WaitsAndUnknownMemoryDoesNotBlock()
    {
        var ledger = new CapacityLedger();
        ledger.Announce(GpuWorker(A, 4, [Gpu(0, freeGiB: 10)]), T0);
        var big = new JobDemand("cuda", 40L << 30);

        Assert.Null(ledger.Reserve(Guid.NewGuid(), [A, B], T0, big)); // 40 GiB needed, 10 free
        Assert.Equal(A, ledger.Reserve(Guid.NewGuid(), [A, B], T0, new JobDemand("cuda", 4L << 30)));

        ledger.Announce(GpuWorker(B, 1, [Gpu(0, freeGiB: 0)]), T0); // a driver that gave no free memory: not checked
        Assert.Equal(B, ledger.Reserve(Guid.NewGuid(), [A, B], T0, big));
    }

    [Fact]
    public void Announce_CudaJobEnded_FreesItsDevice()
    {
        var ledger = new CapacityLedger();
        ledger.Announce(GpuWorker(A, 2, [Gpu(0)]), T0);
        var job = Guid.NewGuid();
        ledger.Reserve(job, [A], T0, Cuda);
        ledger.Announce(GpuWorker(A, 2, [Gpu(0)], job), T0.AddSeconds(1)); // running: still holds cuda:0
        Assert.Null(ledger.Reserve(Guid.NewGuid(), [A], T0.AddSeconds(1), Cuda));

        ledger.Announce(GpuWorker(A, 2, [Gpu(0)]), T0.AddSeconds(2)); // ended

        Assert.Null(ledger.DeviceOf(job));
        Assert.Equal(A, ledger.Reserve(Guid.NewGuid(), [A], T0.AddSeconds(2), Cuda));
    }
}
