using QuantScope.Engine.Hosting;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Hosting;

/// <summary>Tiny real runs through <see cref="RunHost"/> with a recording sink.</summary>
public sealed class RunHostTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _folder = Directory.CreateTempSubdirectory("quantscope-runhost-").FullName;
    private readonly RunHost _host = new(new RunHostOptions { ChannelCapacity = 2 });

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<RunEnd> RunAsync(RunHandle handle, TrainConfig config, RecordingRunSink sink, TrainerOptions? options = null)
    {
        _host.Start(handle, () => new RunSpec(ConfigValidator.Require(config), options ?? new TrainerOptions()), sink);
        return await handle.Completion.WaitAsync(Timeout);
    }

    [Fact]
    public async Task Start_TinyRun_PublishesEveryStepInOrderBetweenStartedAndEnded()
    {
        var sink = new RecordingRunSink();
        var id = Guid.NewGuid();

        var end = await RunAsync(new RunHandle(id), TrainConfig.Tiny, sink);

        Assert.Equal(RunStatus.Completed, end.Status);
        Assert.Null(end.Error);
        Assert.Null(end.FailedIn);
        Assert.Equal(RunStatus.Completed, end.Summary!.Status);
        Assert.Equal(TrainConfig.Tiny.Steps, end.Summary.Steps);
        Assert.Same(end, sink.End);
        Assert.Equal(Enumerable.Range(0, TrainConfig.Tiny.Steps), sink.Batches.Select(b => b.LastStep));
        Assert.All(sink.Batches, b => Assert.Equal(id, b.RunId));
        var calls = sink.Calls;
        Assert.Equal("started", calls[0]);
        Assert.Equal("ended:Completed", calls[^1]);
        Assert.Equal(TrainConfig.Tiny.Steps + 2, calls.Count);
    }

    [Fact]
    public async Task Start_TwoRunsUnderABudgetOfTwo_EachTrainingThreadGetsOneTorchThread()
    {
        var before = get_num_threads(); // set_num_threads also sets the default of threads made later: restored below
        try
        {
            var host = new RunHost(new RunHostOptions { Threads = new ThreadBudget(2) });
            var seen = new System.Collections.Concurrent.ConcurrentBag<int>();
            using var bothStarted = new CountdownEvent(2);
            RecordingRunSink Sink() => new()
            {
                // Called on the training thread, after the run's share was applied and before its first step.
                OnStarted = _ =>
                {
                    bothStarted.Signal();
                    bothStarted.Wait(Timeout); // both runs have joined the budget now
                    seen.Add(get_num_threads());
                },
            };

            var handles = new[] { new RunHandle(Guid.NewGuid()), new RunHandle(Guid.NewGuid()) };
            foreach (var handle in handles) host.Start(handle, () => new RunSpec(ConfigValidator.Require(TrainConfig.Tiny with { Steps = 3 }), new TrainerOptions()), Sink());
            var ends = await Task.WhenAll(handles.Select(h => h.Completion.WaitAsync(Timeout)));

            Assert.All(ends, e => Assert.Equal(RunStatus.Completed, e.Status));
            // Each run read its own thread's count once both were in: 1 each when both applied after the second joined,
            // or 2 for the one that applied before (its next step then takes 1).
            Assert.Equal(2, seen.Count);
            Assert.All(seen, n => Assert.InRange(n, 1, 2));
            Assert.Contains(1, seen);
        }
        finally
        {
            set_num_threads(before);
        }
    }

    [Fact]
    public async Task Start_CheckpointingRun_TrainerWaitsForTheDurableHandshakeBeforeWritingTheCheckpoint()
    {
        var id = Guid.NewGuid();
        var seen = new List<(int Step, int LastPublished, int LastPublishedAfterWait, bool CheckpointOnDisk)>();
        RecordingRunSink sink = null!;
        sink = new RecordingRunSink
        {
            OnDurable = async step =>
            {
                var before = sink.Batches.Max(b => b.LastStep);
                await Task.Delay(300); // the trainer must neither step nor write the checkpoint meanwhile
                var after = sink.Batches.Max(b => b.LastStep);
                var file = Path.Combine(CheckpointWriter.RunFolder(_folder, id), CheckpointWriter.ResumeFileName(step));
                seen.Add((step, before, after, File.Exists(file)));
            },
        };
        var config = TrainConfig.Tiny with { Steps = 12, CheckpointEvery = 5 };

        var end = await RunAsync(new RunHandle(id), config, sink, new TrainerOptions { CheckpointDirectory = _folder });

        Assert.Equal(RunStatus.Completed, end.Status);
        Assert.Equal([(5, 4, 4, false), (10, 9, 9, false), (12, 11, 11, false)], seen); // every 5 steps and at the end
        var calls = sink.Calls.ToList();
        Assert.Equal(calls.IndexOf("publish:4") + 1, calls.IndexOf("durable:5")); // after every batch before it
        Assert.Equal(calls.IndexOf("durable:5") + 1, calls.IndexOf("publish:5"));
        Assert.Equal(12, CheckpointWriter.LatestResumable(_folder, id));
    }

    [Fact]
    public async Task Cancel_AfterTheFirstBatch_EndsCancelledWithinOneStep()
    {
        RunHandle handle = new(Guid.NewGuid());
        var sink = new RecordingRunSink { OnBatch = b => { if (b.LastStep == 0) handle.Cancel(); } };

        var end = await RunAsync(handle, TrainConfig.Tiny with { Steps = 1000 }, sink);

        Assert.Equal(RunStatus.Cancelled, end.Status);
        Assert.Null(end.Error);
        Assert.Equal(RunStatus.Cancelled, end.Summary!.Status);
        Assert.InRange(sink.Batches.Count, 1, 10); // the channel (2) and one step in flight, not the 1000 steps
        Assert.Equal("ended:Cancelled", sink.Calls[^1]);
    }

    [Fact]
    public async Task Interrupt_WhileTraining_EndsInterrupted()
    {
        RunHandle handle = new(Guid.NewGuid());
        var sink = new RecordingRunSink { OnBatch = b => { if (b.LastStep == 1) handle.Interrupt(); } };

        var end = await RunAsync(handle, TrainConfig.Tiny with { Steps = 1000 }, sink);

        Assert.Equal(RunStatus.Interrupted, end.Status);
        Assert.True(handle.IsInterrupted);
        Assert.Equal(RunStatus.Interrupted, end.Summary!.Status);
    }

    [Fact]
    public async Task Start_CallersTokenCancelled_EndsCancelled()
    {
        using var stop = new CancellationTokenSource();
        var sink = new RecordingRunSink { OnBatch = b => { if (b.LastStep == 0) stop.Cancel(); } };

        var end = await RunAsync(new RunHandle(Guid.NewGuid(), stop.Token), TrainConfig.Tiny with { Steps = 1000 }, sink);

        Assert.Equal(RunStatus.Cancelled, end.Status);
    }

    [Fact]
    public async Task Start_PoisonedWeight_EndsFailedNamingTheLayer()
    {
        const string target = "model.layers.1.mlp.up_proj";
        var sink = new RecordingRunSink
        {
            OnStarted = start =>
            {
                var trainer = start.Trainer;
                trainer.BeforeStep = step =>
                {
                    if (step != 2) return;
                    var weight = trainer.Model.named_parameters().Single(p => p.name == target + ".weight").parameter;
                    using (no_grad()) weight[0, 0] = tensor(float.NaN);
                };
            },
        };

        var end = await RunAsync(new RunHandle(Guid.NewGuid()), TrainConfig.Tiny, sink);

        Assert.Equal(RunStatus.Failed, end.Status);
        Assert.Equal(RunFailureSource.Training, end.FailedIn);
        var diverged = Assert.IsType<TrainingDivergedException>(end.Error);
        Assert.Equal(target, diverged.LayerName);
        Assert.Contains(target, diverged.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Failed, end.Summary!.Status);
        Assert.Equal([0, 1], sink.Batches.Select(b => b.LastStep)); // the finite steps before it were published
    }

    [Fact]
    public async Task Start_InvalidConfig_EndsFailedInSetupWithoutStarting()
    {
        var sink = new RecordingRunSink();

        var end = await RunAsync(new RunHandle(Guid.NewGuid()), TrainConfig.Tiny with { Steps = 0 }, sink);

        Assert.Equal(RunStatus.Failed, end.Status);
        Assert.Equal(RunFailureSource.Setup, end.FailedIn);
        Assert.IsType<ArgumentException>(end.Error);
        Assert.Null(end.Summary);
        Assert.Equal(["ended:Failed"], sink.Calls);
    }

    [Fact]
    public async Task Start_SinkRefusesABatch_StopsTheRunAndEndsFailedInTheSink()
    {
        var refusal = new IOException("disk full");
        var sink = new RecordingRunSink { OnBatch = b => { if (b.LastStep == 1) throw refusal; } };

        var end = await RunAsync(new RunHandle(Guid.NewGuid()), TrainConfig.Tiny with { Steps = 1000 }, sink);

        Assert.Equal(RunStatus.Failed, end.Status);
        Assert.Equal(RunFailureSource.Sink, end.FailedIn);
        Assert.Same(refusal, end.Error);
        Assert.Equal(RunStatus.Failed, end.Summary!.Status);
        Assert.Equal([0], sink.Batches.Select(b => b.LastStep)); // nothing after the refusal reaches the sink
        Assert.InRange(end.Summary.Steps, 1, 20); // stopped, not trained to the end
    }

    [Fact]
    public async Task Start_SameHandleTwice_Throws()
    {
        var handle = new RunHandle(Guid.NewGuid());
        await RunAsync(handle, TrainConfig.Tiny with { Steps = 1 }, new RecordingRunSink());

        Assert.Throws<InvalidOperationException>(() => _host.Start(handle, () => new RunSpec(ConfigValidator.Require(TrainConfig.Tiny), new TrainerOptions()), new RecordingRunSink()));
    }
}
