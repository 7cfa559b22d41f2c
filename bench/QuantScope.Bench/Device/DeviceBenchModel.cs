namespace QuantScope.Bench.Device;

/// <summary>One model of the device bench and how much of it to time.</summary>
/// <param name="Model">Model preset (<c>demo</c>, <c>small</c>, <c>base</c>).</param>
/// <param name="BatchSize">Sequences per step.</param>
/// <param name="SeqLen">Tokens per sequence.</param>
/// <param name="TimedWindows">Timed logging windows of <see cref="DeviceBench.Window"/> steps per trainer (after one warm-up window).</param>
/// <param name="Note">Why this model is measured smaller than the rest (printed), or null.</param>
public sealed record DeviceBenchModel(string Model, int BatchSize, int SeqLen, int TimedWindows, string? Note = null)
{
    /// <summary>Tokens one training step reads.</summary>
    public long TokensPerStep => (long)BatchSize * SeqLen;
}
