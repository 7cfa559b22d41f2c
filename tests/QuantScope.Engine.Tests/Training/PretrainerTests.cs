using System.Threading.Channels;

namespace QuantScope.Engine.Tests.Training;

/// <summary>The shared pretraining cache under concurrent runs (the demo study starts four runs with one pretraining).</summary>
public class PretrainerTests
{
    private static readonly TrainConfig Config = TrainConfig.Tiny with
    {
        Steps = 2, BatchSize = 4, SeqLen = 32, Quant = null, EvalEvery = 2, Pretrain = new PretrainConfig { Steps = 40, LearningRate = 1e-2 },
    };

    private static (RunSummary Summary, int PretrainPoints) Run(TrainConfig config, TrainerOptions options)
    {
        using var trainer = new Trainer(ConfigValidator.Require(config), options);
        var channel = Channel.CreateUnbounded<MetricBatch>();
        var summary = trainer.Run(Guid.NewGuid(), channel.Writer, CancellationToken.None);
        channel.Writer.Complete();
        var points = 0;
        while (channel.Reader.TryRead(out var b)) points += b.Scalars.Count(s => s.Metric == MetricCatalog.PretrainLoss);
        return (summary, points);
    }

    [Fact]
    public async Task Run_TwoRunsStartTogetherWithOnePretraining_OneTrainsItTheOtherLoadsIt()
    {
        var cache = Directory.CreateTempSubdirectory("qs-pretrain-gate-");
        try
        {
            var options = new TrainerOptions { CheckpointDirectory = cache.FullName };
            using var start = new Barrier(2);
            var runs = new[] { Config with { LearningRate = 1e-4 }, Config with { LearningRate = 1e-3 } } // different main phases, one pretraining
                .Select(c => Task.Factory.StartNew(() => { start.SignalAndWait(); return Run(c, options); }, TaskCreationOptions.LongRunning))
                .ToArray();
            var results = await Task.WhenAll(runs);
            Assert.Equal([0, 40], results.Select(r => r.PretrainPoints).Order()); // trained once, loaded once
            Assert.Single(Directory.GetFiles(cache.FullName, "pretrain-*.qsck"));
            Assert.Equal(results[0].Summary.Forgetting!.HeldOutLossStart, results[1].Summary.Forgetting!.HeldOutLossStart); // same weights
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Run_AnotherProcessHoldsTheLockFile_WaitsThenLoadsWhatItCached()
    {
        var first = Directory.CreateTempSubdirectory("qs-pretrain-a-");
        var second = Directory.CreateTempSubdirectory("qs-pretrain-b-");
        try
        {
            Run(Config, new TrainerOptions { CheckpointDirectory = first.FullName }); // the other process's pretraining, made here
            var validated = ConfigValidator.Require(Config).Config;
            var cachedHere = Pretrainer.CachePath(second.FullName, validated);

            Task<(RunSummary Summary, int PretrainPoints)> waiting;
            // An exclusive open of the lock file is what another process holding the turn looks like (flock / share mode).
            using (new FileStream(CacheGate.LockPath(cachedHere), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            {
                waiting = Task.Factory.StartNew(() => Run(Config, new TrainerOptions { CheckpointDirectory = second.FullName }), TaskCreationOptions.LongRunning);
                await Task.Delay(CacheGate.PollInterval * 3); // lets the run reach the lock (if it did not, the test passes without proving the wait)
                Assert.False(waiting.IsCompleted);
                File.Copy(Pretrainer.CachePath(first.FullName, validated), cachedHere); // the other process finishes and caches
            }

            Assert.Equal(0, (await waiting).PretrainPoints); // loaded the other's weights, trained nothing
        }
        finally
        {
            first.Delete(recursive: true);
            second.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Enter_CancelledWhileWaiting_Throws()
    {
        var dir = Directory.CreateTempSubdirectory("qs-pretrain-c-");
        try
        {
            var path = Path.Combine(dir.FullName, "pretrain-x.qsck");
            using var held = CacheGate.Enter(path, CancellationToken.None);
            using var cts = new CancellationTokenSource();
            var waiting = Task.Run(() => CacheGate.Enter(path, cts.Token));
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
