using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using QuantScope.Bench.Shared;
using QuantScope.Engine.Hosting;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using static TorchSharp.torch;

namespace QuantScope.Bench.Contention;

/// <summary>
/// What the contention bench starts as separate processes (the bench's own executable with <c>contention-child</c>):
/// <c>spin</c> (a busy loop), <c>train THREADS STEPS NICE</c> (one demo run; THREADS -1 = libtorch's default, 0 =
/// QuantScope's budget that follows the machine, N = exactly N) and <c>train3 STEPS</c> (three demo runs at once in
/// this process through one <see cref="RunHost"/> sharing one budget, as the dashboard trains them). A train child
/// prints one line <c>RESULT median-step-ms wall-s threads policy</c>.
/// </summary>
public static class ContentionChild
{
    /// <summary>The first argument that selects child mode.</summary>
    public const string Verb = "contention-child";

    /// <summary>Runs the child; returns its exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var policy = OpenMpWaitPolicy.Apply(); // before libtorch loads; the parent's environment decides
        NativeHeap.Apply();
        switch (args.FirstOrDefault())
        {
            case "spin":
                var until = DateTime.UtcNow.AddMinutes(30); // the parent kills it long before
                var x = 0L;
                while (DateTime.UtcNow < until) x++;
                return (int)(x & 1);
            case "train" when args.Length == 4:
                return Train(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture),
                    int.Parse(args[3], CultureInfo.InvariantCulture), policy);
            case "train3" when args.Length == 2:
                return await TrainThreeAsync(int.Parse(args[1], CultureInfo.InvariantCulture), policy);
            default:
                await Console.Error.WriteLineAsync($"usage: {Verb} spin | train THREADS STEPS NICE | train3 STEPS");
                return 2;
        }
    }

    private static TrainConfig Demo(int steps) => TrainConfig.Demo with { Steps = steps };

    private static int Train(int threads, int steps, int niceness, string policy)
    {
        var wall = Stopwatch.StartNew();
        List<double> millis = [];
        var applied = 0;
        var thread = new Thread(() =>
        {
            TrainingThreadPriority.Lower(niceness);
            using var share = threads == 0 ? new ThreadBudget(Environment.ProcessorCount, followLoad: true).Join() : null;
            if (share is not null) share.Apply();
            else if (threads > 0) set_num_threads(threads);
            applied = get_num_threads();
            millis = BenchTrainer.StepMillis(Demo(steps));
        });
        thread.Start();
        thread.Join();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {BenchMath.Median(millis):F1} {wall.Elapsed.TotalSeconds:F1} {applied} {policy}"));
        return 0;
    }

    private static async Task<int> TrainThreeAsync(int steps, string policy)
    {
        var wall = Stopwatch.StartNew();
        var budget = new ThreadBudget(Environment.ProcessorCount, followLoad: true);
        var host = new RunHost(new RunHostOptions { Threads = budget });
        var handles = Enumerable.Range(0, 3).Select(_ => new RunHandle(Guid.NewGuid())).ToArray();
        foreach (var handle in handles) host.Start(handle, () => new RunSpec(ConfigValidator.Require(Demo(steps)), new TrainerOptions()), new DiscardSink());
        var ends = await Task.WhenAll(handles.Select(h => h.Completion));
        var failed = ends.FirstOrDefault(e => e.Status != RunStatus.Completed);
        if (failed is not null) throw new InvalidOperationException($"a run ended {failed.Status}: {failed.Error?.Message}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT 0 {wall.Elapsed.TotalSeconds:F1} {ThreadBudget.Share(budget.Available, 3)} {policy}"));
        return 0;
    }

    // The bench keeps nothing of the runs but their time.
    private sealed class DiscardSink : IRunSink
    {
        public Task StartedAsync(RunStart start, CancellationToken ct) => Task.CompletedTask;
        public Task PublishAsync(IReadOnlyList<MetricBatch> batches, CancellationToken ct) => Task.CompletedTask;
        public Task MakeDurableAsync(int step, CancellationToken ct) => Task.CompletedTask;
        public Task EndedAsync(RunEnd end, CancellationToken ct) => Task.CompletedTask;
    }
}
