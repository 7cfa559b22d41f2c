namespace QuantScope.Engine.Model.Hf;

/// <summary>
/// What a model needs in RAM for one use, against what the machine has. Bytes throughout.
/// </summary>
/// <param name="Parameters">Parameter count.</param>
/// <param name="WeightBytes">FP32 master weights (4 bytes per parameter, whatever the file's dtype).</param>
/// <param name="RequiredBytes">Weights plus what the use adds (see <see cref="MemoryEstimator"/>) plus a fixed allowance.</param>
/// <param name="AvailableBytes">Memory the process may use (the GC's view: physical RAM or the container limit).</param>
/// <param name="Use">The use estimated: <c>inference</c>, <c>ptq</c> or <c>qat</c>.</param>
public sealed record MemoryEstimate(long Parameters, long WeightBytes, long RequiredBytes, long AvailableBytes, string Use)
{
    /// <summary>Share of the available memory a run may plan to use; the rest is for the OS, the web app and other runs.</summary>
    public const double UsableFraction = 0.8;

    /// <summary>Whether <see cref="RequiredBytes"/> is within <see cref="UsableFraction"/> of <see cref="AvailableBytes"/>.</summary>
    public bool Fits => RequiredBytes <= UsableFraction * AvailableBytes;

    /// <summary>One line for errors and the CLI, in GiB.</summary>
    public string Describe() =>
        $"{Use}: {Parameters:N0} parameters, ~{Gib(RequiredBytes):F2} GiB needed (weights {Gib(WeightBytes):F2} GiB) of {Gib(AvailableBytes):F1} GiB available ({UsableFraction:P0} usable)";

    private static double Gib(long bytes) => bytes / (1024.0 * 1024 * 1024);
}
