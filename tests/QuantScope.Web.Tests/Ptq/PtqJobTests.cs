using QuantScope.Engine.Analysis.Ptq;
using QuantScope.Engine.Quantization;
using QuantScope.Engine.Training;
using QuantScope.Web.Ptq;

namespace QuantScope.Web.Tests.Ptq;

public sealed class PtqJobTests
{
    private static PtqJob NewJob() => new(Guid.NewGuid(), new PtqPrepared(TrainConfig.Tiny, "/nowhere", []), new PtqRequest { Plan = QuantPlan.HighPrecision });

    [Fact]
    public void ToDto_QueuedThenRunningWithProgressThenFailed_ReportsEachState()
    {
        var job = NewJob();
        Assert.Equal((RunStatus.Pending, null, 0), (job.ToDto().Status, job.ToDto().Stage, job.ToDto().Total));

        job.Start();
        job.Report(new PtqProgress("sensitivity", 3, 14));
        var running = job.ToDto();
        Assert.Equal((RunStatus.Running, "sensitivity", 3, 14), (running.Status, running.Stage, running.Done, running.Total));

        job.Finish(null, "boom");
        Assert.Equal((RunStatus.Failed, "boom"), (job.ToDto().Status, job.ToDto().Error));
        Assert.True(job.Ended.Task.IsCompleted);
    }

    [Fact]
    public void Finish_Cancelled_StatusCancelled()
    {
        var job = NewJob();
        job.Finish(null, "stopping", cancelled: true);
        Assert.Equal(RunStatus.Cancelled, job.ToDto().Status);
    }
}
