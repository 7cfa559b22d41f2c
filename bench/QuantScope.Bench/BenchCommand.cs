using System.CommandLine;
using System.Globalization;
using QuantScope.Bench.Browser;
using QuantScope.Bench.Cluster;
using QuantScope.Bench.Device;
using QuantScope.Bench.Diagnostics;
using QuantScope.Bench.Experiment;
using QuantScope.Bench.Load;
using QuantScope.Bench.Quantize;
using QuantScope.Bench.Shared;
using QuantScope.Bench.Store;
using QuantScope.Bench.TrainStep;
using QuantScope.Engine.Devices;
using QuantScope.Engine.Training;
using Spectre.Console;
using TorchSharp;

namespace QuantScope.Bench;

/// <summary>
/// The benchmark host's command line: <c>[--quick]</c> alone measures quantizer cost relative to one elementwise
/// multiply of the same tensor (CPU), the cost of a fake-quant training step relative to a plain one, experiment
/// throughput (tokens/s of the demo and small models under BF16, FP32, FP8, HiF8 and W4A4 relative to BF16, and the
/// cost of the BF16 twin) and the cost of the per-layer diagnostics on a fake-quant step of those models, as measured
/// in this run, each with its target (issue 25) and met / not met; <c>--numerics</c> only the first two; <c>--store</c>, <c>--diagnostics</c>, <c>--load</c>, <c>--cluster</c>,
/// <c>--browser</c>, <c>--contention</c> and <c>--demo</c> run one other bench alone; <c>--device cpu|cuda</c> runs the device bench (<see cref="DeviceBench"/>).
/// Variants are interleaved and medians reported because the machine is shared.
/// </summary>
public static class BenchCommand
{
    /// <summary>Builds the command: tables to <paramref name="stdout"/>, progress to <paramref name="stderr"/>.</summary>
    public static RootCommand Create(TextWriter stdout, TextWriter stderr)
    {
        var quick = new Option<bool>("--quick") { Description = "1 M and 4 M values, fewer repetitions, rounds and steps." };
        var store = new Option<bool>("--store") { Description = "Only the metric store: write rate, heatmap read, bytes per value, downsampled read." };
        var diagnostics = new Option<bool>("--diagnostics") { Description = "Only the cost of the per-layer diagnostics on fake-quant training steps." };
        var numerics = new Option<bool>("--numerics") { Description = "Only the quantizer table and the fake-quant training-step table (a few minutes)." };
        var load = new Option<bool>("--load") { Description = "Only the load bench: the app on loopback, 20 hub watchers, 4 engine runs, ingest up to 100,000 points/s (see --seconds)." };
        var seconds = new Option<int>("--seconds") { Description = "Ingest time of --load, seconds.", DefaultValueFactory = _ => 60 };
        var cluster = new Option<bool>("--cluster") { Description = "Only the cluster bench: sweep runs/hour with 1, 2 and 4 local Orleans workers and the scaling ratios." };
        var clusterRuns = new Option<int>("--runs") { Description = "Runs per sweep of --cluster.", DefaultValueFactory = _ => 8 };
        var browser = new Option<bool>("--browser") { Description = "Only the browser bench (headless /usr/bin/chromium): step end -> point in an open run page, and the first render of a 100 x 10,000 heatmap." };
        var budget = new Option<double>("--budget") { Description = "Seconds the engine run of --browser may take.", DefaultValueFactory = _ => 90 };
        var only = new Option<string?>("--only") { Description = "One part of --browser alone: latency, stream (an external run through the ingest API) or heatmap." };
        only.AcceptOnlyFromAmong("latency", "stream", "heatmap");
        var cold = new Option<int>("--cold") { Description = "First visits (new browser profiles) of the --browser heatmap.", DefaultValueFactory = _ => 3 };
        var warm = new Option<int>("--warm") { Description = "Returning visits of the --browser heatmap.", DefaultValueFactory = _ => 5 };
        var trace = new Option<bool>("--trace") { Description = "--browser: print where each heatmap render's time goes." };
        var profile = new Option<bool>("--profile") { Description = "--browser: and each render's main-thread CPU profile." };
        var contention = new Option<bool>("--contention") { Description = "Only the contention bench: a demo run next to busy processes, and three runs at once against in a row, libtorch defaults vs QuantScope's thread budget (separate processes; minutes)." };
        var device = new Option<string?>("--device") { Description = "Only the device bench on cpu, cuda or cuda:N: tokens/s of demo, small and base for BF16, FP8 and FP8 + full diagnostics, and the diagnostics overhead against its GPU target." };
        var demo = new Option<bool>("--demo") { Description = "Only the demo study (four runs with BF16 twins, pretraining included; minutes): its wall time and every target met / not met (--quick: the tiny study)." };
        var models = new Option<string?>("--models") { Description = "--device: a comma-separated subset of demo, small, base (default: all three)." };
        var command = new RootCommand("QuantScope benchmarks: quantizer, fake-quant training-step, experiment throughput and diagnostics cost figures by default, or one other bench (--numerics, --store, --diagnostics, --load, --cluster, --browser, --contention, --device).")
        {
            quick, store, diagnostics, numerics, load, seconds, cluster, clusterRuns, browser, budget, only, cold, warm, trace, profile, contention, device, models, demo,
        };
        command.SetAction((parsed, ct) => parsed.GetValue(demo)
            ? Task.FromResult(Demo.DemoBench.Run(parsed.GetValue(quick), stdout, stderr, ct))
            : parsed.GetValue(device) is { } deviceText
            ? Task.FromResult(RunDevice(deviceText, parsed.GetValue(models), CudaInventory.Current, stdout, stderr))
            : parsed.GetValue(browser)
            ? BrowserBench.RunAsync(TimeSpan.FromSeconds(parsed.GetValue(budget)), parsed.GetValue(only), parsed.GetValue(cold), parsed.GetValue(warm), parsed.GetValue(trace), parsed.GetValue(profile))
            : parsed.GetValue(contention) ? Contention.ContentionBench.RunAsync(parsed.GetValue(quick) ? 10 : 30, stdout, stderr, ct)
            : parsed.GetValue(cluster) ? ClusterBench.RunAsync(Math.Clamp(parsed.GetValue(clusterRuns), 1, 64), 40, stdout, stderr, ct)
            : parsed.GetValue(load) ? LoadBench.RunAsync(Math.Clamp(parsed.GetValue(seconds), 1, 600), stdout, stderr, ct)
            : parsed.GetValue(store)
            ? RunStoreAsync(parsed.GetValue(quick), stdout, stderr, ct)
            : Task.FromResult(Run(parsed.GetValue(quick), parsed.GetValue(diagnostics), stdout, stderr, parsed.GetValue(numerics))));
        return command;
    }

    /// <summary>The metric store's figures against their targets, SQLite and PostgreSQL side by side (temporary databases, a throwaway local PostgreSQL server; under a minute).</summary>
    public static async Task<int> RunStoreAsync(bool quick, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
        await stderr.WriteLineAsync("Store: writing and reading temporary databases (SQLite, then a local PostgreSQL server)...");
        var c = await StoreBench.CompareAsync(quick ? 2 : 4, _ => { }, ct);
        var (r, p) = (c.Sqlite, c.Postgres);
        string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        string Pg(Func<StoreBench.Result, double> figure, string format) => p is null ? "n/a" : F(figure(p), format);
        string Ratio(Func<StoreBench.Result, double> figure) => p is null ? "n/a" : F(figure(p) / figure(r), "F2") + "x";
        console.WriteLine($"Metric store: {StoreBench.Layers} layers x {StoreBench.Steps:N0} steps, {F(r.Values, "N0")} values (batched; SQLite WAL, synchronous=NORMAL; PostgreSQL {c.PostgresVersion ?? "-"} defaults, binary COPY):");
        var table = new Table();
        table.AddColumn("figure");
        table.AddColumn(new TableColumn("SQLite").RightAligned());
        table.AddColumn(new TableColumn("PostgreSQL").RightAligned());
        table.AddColumn(new TableColumn("PG / SQLite").RightAligned());
        table.AddColumn(new TableColumn("target (SQLite)").RightAligned());
        table.AddRow("values written / s", F(r.ValuesPerSecond, "N0"), Pg(x => x.ValuesPerSecond, "N0"), Ratio(x => x.ValuesPerSecond), ">= 1,000,000");
        table.AddRow($"heatmap read ({StoreBench.Layers} x {StoreBench.Steps:N0}), ms", F(r.HeatmapMillis, "F1"), Pg(x => x.HeatmapMillis, "F1"), Ratio(x => x.HeatmapMillis), "<= 100");
        table.AddRow("bytes per stored value", F(r.BytesPerValue, "F2"), Pg(x => x.BytesPerValue, "F2"), Ratio(x => x.BytesPerValue), "<= 5");
        table.AddRow($"{StoreBench.Steps:N0}-step series read + min/max to 500 points, ms", F(r.DownsampleMillis, "F1"), Pg(x => x.DownsampleMillis, "F1"), Ratio(x => x.DownsampleMillis), "–");
        console.Write(table);
        if (c.PostgresError is not null)
            await stderr.WriteLineAsync($"PostgreSQL was not measured: {c.PostgresError}");
        return 0;
    }

    /// <summary>
    /// <c>--device</c>: the device bench's table (<see cref="DeviceBench"/>). A device this build or machine lacks (cuda on
    /// the CPU build) or an unknown model is refused before anything runs: the reason on <paramref name="stderr"/>, exit 2.
    /// </summary>
    public static int RunDevice(string deviceText, string? modelList, CudaInventory cuda, TextWriter stdout, TextWriter stderr)
    {
        var (chosen, error) = DeviceBench.Choose(deviceText, cuda);
        DeviceBenchPlan? plan = null;
        try
        {
            var names = modelList?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(n => n.ToLowerInvariant()).ToList();
            if (chosen is { } setting) plan = DeviceBenchPlan.For(setting, names);
        }
        catch (ArgumentException ex)
        {
            error = ex.Message.Split(" (Parameter", 2)[0];
        }

        if (plan is null)
        {
            stderr.WriteLine($"bench: {error}");
            return 2;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
        var progress = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });
        IReadOnlyList<DeviceBenchRow> rows = [];
        progress.Status().Start("Starting", ctx => rows = DeviceBench.Run(plan, status => ctx.Status(Markup.Escape(status))));
        WriteDevice(console, plan, rows);
        return 0;
    }

    private static void WriteDevice(IAnsiConsole console, DeviceBenchPlan plan, IReadOnlyList<DeviceBenchRow> rows)
    {
        static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
        var gpu = plan.Device.Kind == DeviceKind.Cuda;
        var where = gpu ? (NvmlProbe.TryGet(plan.Device.Index ?? 0) is { } g ? $"{plan.Device} ({g.Name})" : plan.Device.ToString()) : $"cpu ({torch.get_num_threads()} threads)";
        console.WriteLine($"Device bench on {where}: training steps, {plan.Rounds} interleaved round(s), windows of {DeviceBench.Window} steps (the first dropped as warm-up). " +
            "fp8 = fp8-delayed; diagnostics = full stats, the weight/input error split and what-if e5m2 and int8. overhead = step time / the plain fp8 step's (every step: medians; every 10: means).");
        foreach (var m in plan.Models.Where(m => m.Note is not null)) console.WriteLine($"{m.Model}: {m.Note}.");
        var table = new Table();
        table.AddColumn("model");
        table.AddColumn("batch");
        table.AddColumn("variant");
        table.AddColumn(new TableColumn("steps").RightAligned());
        table.AddColumn(new TableColumn("ms/step").RightAligned());
        table.AddColumn(new TableColumn("tokens/s").RightAligned());
        table.AddColumn(new TableColumn("overhead").RightAligned());
        table.AddColumn("target");
        foreach (var r in rows)
        {
            var model = plan.Models.First(m => m.Model == r.Model);
            table.AddRow(r.Model, $"{model.BatchSize} x {model.SeqLen}", Markup.Escape(r.Variant), r.Steps.ToString(CultureInfo.InvariantCulture),
                F(r.MedianMillis, "F1"), F(r.TokensPerSecond, "N0"), r.Overhead is { } o ? F(o, "F3") + "x" : "", Markup.Escape(DeviceBench.TargetText(r, gpu)));
        }

        console.Write(table);
    }

    /// <summary>
    /// Runs the benchmark on the calling thread (TorchSharp dispose scopes are thread-static). Progress goes to
    /// <paramref name="stderr"/> so redirected stdout holds only the tables.
    /// </summary>
    public static int Run(bool quick, bool diagnosticsOnly, TextWriter stdout, TextWriter stderr, bool numericsOnly = false)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
        var progress = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });
        var plan = quick ? BenchPlan.Quick : BenchPlan.Full;
        IReadOnlyList<QuantizeBench.SizeResult> sizes = [];
        TrainStepBench.Result? steps = null;
        IReadOnlyList<ExperimentBenchRow> experiments = [];
        IReadOnlyList<DiagnosticsBenchRow> diagnostics = [];

        if (diagnosticsOnly)
        {
            progress.Status().Start("Starting", ctx => diagnostics = DiagnosticsBench.Run(plan, status => ctx.Status(Markup.Escape(status))));
            WriteDiagnostics(console, diagnostics);
            return 0;
        }

        progress.Status().Start("Starting", ctx =>
        {
            sizes = QuantizeBench.Run(plan, status => ctx.Status(Markup.Escape(status)));
            steps = TrainStepBench.Run(plan, status => ctx.Status(Markup.Escape(status)));
            if (numericsOnly) return;
            experiments = ExperimentBench.Run(plan, status => ctx.Status(Markup.Escape(status)));
            diagnostics = DiagnosticsBench.Run(plan, status => ctx.Status(Markup.Escape(status)));
        });

        console.WriteLine($"Quantize time / one elementwise multiply of the same float32 tensor (CPU, {torch.get_num_threads()} threads, median of interleaved reps{(quick ? ", quick" : "")}):");
        var table = new Table();
        table.AddColumn("format");
        foreach (var s in sizes) table.AddColumn(new TableColumn($"{s.Elements / (1 << 20)} M values").RightAligned());
        table.AddColumn(new TableColumn($"target ({(sizes.Count > 0 ? sizes[^1].Elements / (1 << 20) : 0)} M)").RightAligned());
        table.AddRow(["multiply (ms)", .. sizes.Select(s => s.BaselineMillis.ToString("F2", CultureInfo.InvariantCulture)), ""]);
        for (var i = 0; i < QuantizeBench.Variants.Count; i++)
        {
            var name = QuantizeBench.Variants[i].Name;
            var target = BenchTargets.Describe(BenchTargets.Quantize.GetValueOrDefault(name), sizes.Count > 0 ? sizes[^1].Ratios[i] : double.NaN);
            table.AddRow([Markup.Escape(name), .. sizes.Select(s => s.Ratios[i].ToString("F2", CultureInfo.InvariantCulture) + "x"), target]);
        }

        console.Write(table);

        var r = steps!;
        console.WriteLine($"Training step, demo model: fake quant vs plain ({r.Steps} timed steps each, interleaved rounds, medians):");
        var train = new Table();
        train.AddColumn("variant");
        train.AddColumn(new TableColumn("median ms").RightAligned());
        train.AddColumn(new TableColumn("ratio").RightAligned());
        train.AddColumn(new TableColumn("target").RightAligned());
        for (var i = 0; i < TrainStepBench.Variants.Count; i++)
        {
            var name = TrainStepBench.Variants[i].Name;
            train.AddRow(Markup.Escape(name), r.MedianMillis[i].ToString("F1", CultureInfo.InvariantCulture),
                r.Ratio(i).ToString("F2", CultureInfo.InvariantCulture) + "x", BenchTargets.Describe(BenchTargets.TrainStep.GetValueOrDefault(name), r.Ratio(i)));
        }

        console.Write(train);
        if (numericsOnly) return 0;
        WriteExperiments(console, plan, experiments);
        WriteDiagnostics(console, diagnostics);
        return 0;
    }

    private static void WriteDiagnostics(IAnsiConsole console, IReadOnlyList<DiagnosticsBenchRow> rows)
    {
        static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
        var steps = string.Join(", ", rows.DistinctBy(r => r.Model).Select(r => $"{r.Model} {r.Steps}"));
        console.WriteLine($"Diagnostics cost: fp8-delayed training steps with per-layer stats / the same step without ({steps} timed steps per variant; in each round the variants train in turns, one step each, first step of each trainer dropped).");
        console.WriteLine("off = only amax, amaxPred, scale and overflow (the quantizer needs them). ratio = median / off median (the variants train in turns, so both cover the same minutes of the machine); * = mean / off mean, because only 1 step in 10 pays and the median would hide it; exp. = 1 + (every-step ratio - 1) / 10. The error split row is the split's own cost per split step. p = a stats step / the mean of its two neighbours without stats in the same trainer (stats every 2): a busy neighbour on the machine hits both sides alike, but alternating steps also pay for switching allocation patterns, so on an idle machine this is an upper bound of the every-step cost.");
        var table = new Table();
        table.AddColumn("model");
        table.AddColumn("variant");
        table.AddColumn(new TableColumn("median ms").RightAligned());
        table.AddColumn(new TableColumn("mean ms").RightAligned());
        table.AddColumn(new TableColumn("ratio (exp.)").RightAligned());
        table.AddColumn(new TableColumn("target").RightAligned());
        foreach (var r in rows)
        {
            var ratio = F(r.Ratio, "F3") + "x" + (r.RatioOfMeans ? "*" : "") + (r.Paired ? "p" : "") + (r.Expected is { } e ? $" ({F(e, "F3")}x)" : "");
            table.AddRow(r.Model, Markup.Escape(r.Variant), F(r.MedianMillis, "F1"), F(r.MeanMillis, "F1"), ratio,
                BenchTargets.Describe(BenchTargets.Diagnostics(r.Model, r.Variant), r.Ratio));
        }

        console.Write(table);
    }

    private static void WriteExperiments(IAnsiConsole console, BenchPlan plan, IReadOnlyList<ExperimentBenchRow> rows)
    {
        static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
        var batch = TrainConfig.Demo;
        var steps = string.Join(", ", rows.DistinctBy(r => r.Model).Select(r => $"{r.Model} {r.Steps}"));
        console.WriteLine($"Experiment throughput: training steps of {batch.BatchSize} x {batch.SeqLen} tokens, medians of interleaved rounds ({steps} timed steps per variant, first step of each trainer dropped).");
        console.WriteLine("fp8 = fp8-delayed, hif8 = fp8-delayed with format hif8, w4a4 = w4a4-g128 (bf16 matmuls elsewhere). vs bf16 = tokens/s / the same model's bf16 tokens/s. twin = step time with the BF16 twin / fp8 without it (expected ~ 1 + bf16 step / fp8 step):");
        var table = new Table();
        table.AddColumn("model");
        table.AddColumn("variant");
        table.AddColumn(new TableColumn("ms/step").RightAligned());
        table.AddColumn(new TableColumn("tokens/s").RightAligned());
        table.AddColumn(new TableColumn("vs bf16").RightAligned());
        table.AddColumn(new TableColumn("twin (exp.)").RightAligned());
        table.AddColumn(new TableColumn("target").RightAligned());
        foreach (var r in rows)
        {
            var twin = r.TwinCost is { } cost ? $"{F(cost, "F2")}x ({F(r.ExpectedTwinCost ?? double.NaN, "F2")}x)" : "";
            table.AddRow(r.Model, Markup.Escape(r.Variant), F(r.MedianMillis, "F1"), F(r.TokensPerSecond, "F0"), F(r.VsBf16, "F2") + "x", twin,
                BenchTargets.Describe(BenchTargets.Experiment(r.Model, r.Variant), r.VsBf16));
        }

        console.Write(table);
        if (rows.Any(r => r.Variant.Contains("per-ch.", StringComparison.Ordinal)))
            console.WriteLine("N/M per-ch.: w4a4-g128 fell back to per-channel INT4 on N of the M quantized layers (128 does not divide their in-features).");
    }
}
