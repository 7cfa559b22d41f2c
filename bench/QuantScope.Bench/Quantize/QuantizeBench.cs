using System.Diagnostics;
using QuantScope.Engine.Numerics;
using TorchSharp;
using static TorchSharp.torch;
using QuantScope.Bench.Shared;

namespace QuantScope.Bench.Quantize;

/// <summary>Times each quantizer against one elementwise multiply of the same float32 tensor, interleaved.</summary>
public static class QuantizeBench
{
    /// <summary>One measured operation.</summary>
    public sealed record Variant(string Name, Func<Tensor, Tensor> Apply);

    /// <summary>Result for one tensor size.</summary>
    /// <param name="Ratios">median(variant) / median(multiply), in <see cref="Variants"/> order.</param>
    public sealed record SizeResult(int Elements, double BaselineMillis, IReadOnlyList<double> Ratios);

    /// <summary>Rows of the blocked tensor: 4096 values, a multiple of every block and group size used.</summary>
    public const int RowLength = 4096;

    /// <summary>The quantizers compared, in table order.</summary>
    public static IReadOnlyList<Variant> Variants { get; } =
    [
        new("e4m3 (libtorch cast)", x => FloatQuantizer.QuantizeNative(x, FloatFormat.E4M3)),
        new("e4m3", x => FloatQuantizer.Quantize(x, FloatFormat.E4M3)),
        FromRegistry("e5m2"),
        FromRegistry("hif8"),
        FromRegistry("int8-pt", "int8 (per tensor)"),
        FromRegistry("int4-g128", "int4 g128"),
        FromRegistry("mxfp8-e4m3"),
        FromRegistry("mxfp4"),
        FromRegistry("nvfp4"),
    ];

    // A held Scalar: a temporary one can be freed by the GC during the native call (see Engine Numerics/ScalarOps).
    private static readonly Scalar BaselineFactor = 1.0009765625f.ToScalar();

    private static readonly Variant Baseline = new("multiply", x => x.mul(BaselineFactor));

    /// <summary>Measures every size in the plan; <paramref name="status"/> gets progress text.</summary>
    public static IReadOnlyList<SizeResult> Run(BenchPlan plan, Action<string> status)
    {
        var results = new List<SizeResult>();
        foreach (var (elements, reps) in plan.Sizes)
        {
            using var scope = NewDisposeScope();
            using var x = randn([elements / RowLength, RowLength], generator: new Generator(1).manual_seed(1)).mul_(10); // [rows, 4096]
            Variant[] all = [Baseline, .. Variants];
            var samples = all.Select(_ => new List<double>()).ToArray();

            foreach (var v in all) Time(v, x); // warm-up: first-call allocations and kernel selection
            for (var rep = 0; rep < reps; rep++)
            {
                status($"{elements / (1 << 20)} M values: repetition {rep + 1}/{reps}");
                for (var i = 0; i < all.Length; i++) samples[i].Add(Time(all[i], x)); // interleaved: a busy spell hits every variant
            }

            var baseline = samples[0];
            results.Add(new SizeResult(elements, BenchMath.Median(baseline), samples.Skip(1).Select(s => BenchMath.Ratio(s, baseline)).ToList()));
        }

        return results;
    }

    private static double Time(Variant v, Tensor x)
    {
        var watch = Stopwatch.StartNew();
        var y = v.Apply(x); // CPU ops are synchronous: the result is complete when the call returns
        watch.Stop();
        y.Dispose();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static Variant FromRegistry(string name, string? label = null)
    {
        var format = NumberFormats.Get(name);
        return new Variant(label ?? name, format.QuantizeDequantize);
    }
}
