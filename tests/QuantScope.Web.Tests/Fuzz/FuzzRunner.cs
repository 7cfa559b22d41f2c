using System.Diagnostics;

namespace QuantScope.Web.Tests.Fuzz;

/// <summary>
/// Feeds generated inputs to a parser on a worker thread watched by a per-input timeout: each input must succeed or
/// fail with the parser's documented error (the harness returns false for that); any other exception or an input that
/// runs past the timeout fails the test, naming the input.
/// </summary>
public static class FuzzRunner
{
    /// <summary>Inputs per parser: <c>QUANTSCOPE_FUZZ_ITERATIONS</c>, or 10,000 (the quick pass CI runs).</summary>
    public static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable("QUANTSCOPE_FUZZ_ITERATIONS"), out var n) && n > 0 ? n : 10_000;

    /// <summary>Seed of the generator: <c>QUANTSCOPE_FUZZ_SEED</c>, or a fixed one (CI is reproducible).</summary>
    public static int Seed =>
        int.TryParse(Environment.GetEnvironmentVariable("QUANTSCOPE_FUZZ_SEED"), out var s) ? s : 20261101;

    /// <summary>Longest time one input may take.</summary>
    public static readonly TimeSpan PerInputTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Runs the parser over <see cref="Iterations"/> inputs; returns (accepted, refused) counts.</summary>
    /// <param name="parser">True = parsed; false = refused with the parser's documented error; throws otherwise.</param>
    public static (int Accepted, int Refused) Run(string name, IReadOnlyList<byte[]> seeds, Func<byte[], bool> parser)
    {
        var mutator = new FuzzMutator(Seed ^ StableHash(name), seeds);
        var iterations = Iterations;
        var accepted = 0;
        var refused = 0;
        byte[] current = [];
        long startedAt = 0; // Stopwatch ticks of the current input; 0 = between inputs
        Exception? failure = null;
        var worker = new Thread(() =>
        {
            try
            {
                foreach (var seed in seeds) Feed(seed);
                for (var i = 0; i < iterations; i++) Feed(mutator.Next());
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }) { IsBackground = true, Name = $"fuzz-{name}" };

        void Feed(byte[] input)
        {
            Volatile.Write(ref current, input);
            Volatile.Write(ref startedAt, Stopwatch.GetTimestamp());
            bool ok;
            try
            {
                ok = parser(input);
            }
            catch (Exception ex)
            {
                throw new FuzzFailureException(name, input, ex);
            }
            Volatile.Write(ref startedAt, 0);
            if (ok) accepted++; else refused++;
        }

        worker.Start();
        while (!worker.Join(50))
        {
            var started = Volatile.Read(ref startedAt);
            if (started != 0 && Stopwatch.GetElapsedTime(started) > PerInputTimeout)
                throw new FuzzFailureException(name, Volatile.Read(ref current), new TimeoutException($"one input ran longer than {PerInputTimeout.TotalSeconds} s"));
        }
        if (failure is not null) throw failure;
        return (accepted, refused);
    }

    // string.GetHashCode is randomised per process; the seed must not be.
    private static int StableHash(string text) => text.Aggregate(17, (h, c) => unchecked(h * 31 + c)) & 0x7FFFFFFF;
}
