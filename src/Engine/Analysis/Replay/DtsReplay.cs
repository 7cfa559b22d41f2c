namespace QuantScope.Engine.Analysis.Replay;

/// <summary>
/// Delayed-tensor-scaling replay, a what-if without retraining: from one tensor's recorded per-step amax, recomputes
/// amaxPred, the scale, the saturation events (amax &gt; amaxPred) and the expected overflow under other settings,
/// with the trainer's own math (<see cref="ReplayScalingState"/>). Replaying a run with its own settings reproduces its
/// recorded events exactly when every step was logged (logEvery 1).
/// <para>
/// Gaps: a NaN amax is a step that was not recorded; it is skipped (the history holds the last H <i>recorded</i>
/// amax), which is exact only when nothing was skipped. Steps before <c>seedStep</c> (a BF16 warmup) are ignored: the
/// history starts empty there, as the trainer resets it when quantization switches on.
/// </para>
/// </summary>
public static class DtsReplay
{
    /// <summary>Replays a series indexed by step (amax[i] is step i).</summary>
    public static ReplayResult Run(IReadOnlyList<float> amax, ReplaySettings settings, int seedStep = 0) =>
        Run(Enumerable.Range(0, amax.Count).ToArray(), amax, settings, seedStep);

    /// <summary>Replays a double series indexed by step (values are rounded to float32, as the trainer records them).</summary>
    public static ReplayResult Run(IReadOnlyList<double> amax, ReplaySettings settings, int seedStep = 0) =>
        Run(amax.Select(v => (float)v).ToArray(), settings, seedStep);

    /// <summary>Replays amax[k] recorded at steps[k] (steps ascending).</summary>
    /// <param name="steps">Training steps, ascending.</param>
    /// <param name="amax">Recorded amax per step; NaN = not recorded.</param>
    /// <param name="settings">What to replay under.</param>
    /// <param name="seedStep">First quantized step (the end of a BF16 warmup); earlier steps give NaN points.</param>
    public static ReplayResult Run(IReadOnlyList<int> steps, IReadOnlyList<float> amax, ReplaySettings settings, int seedStep = 0)
    {
        if (steps.Count != amax.Count) throw new ArgumentException("steps and amax differ in length.", nameof(amax));
        var state = new ReplayScalingState(settings);
        var headroom = Math.Pow(2, settings.Margin);
        var points = new ReplayPoint[amax.Count];
        for (var k = 0; k < amax.Count; k++)
        {
            var a = amax[k];
            if (steps[k] < seedStep || float.IsNaN(a))
            {
                points[k] = new ReplayPoint(steps[k], a, float.NaN, float.NaN, null, double.NaN, double.NaN);
                continue;
            }

            var (scale, pred) = state.ScaleFor(a);
            // Saturation as MetricBatchFactory defines it: needs a finite, positive prediction.
            bool? saturated = float.IsFinite(a) && float.IsFinite(pred) && pred > 0 ? a > pred : null;
            var clip = saturated is null ? double.NaN : a / (pred * headroom);
            points[k] = new ReplayPoint(steps[k], a, pred, scale, saturated, clip, saturated is null ? double.NaN : Math.Max(0, 1 - 1 / clip));
            state.Update(a);
        }

        return new ReplayResult(settings, points);
    }
}
