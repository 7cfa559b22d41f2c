namespace QuantScope.Engine.Analysis.Replay;

/// <summary>
/// One replayed step of one tensor. For a step whose amax was not recorded (NaN gap) every value is NaN and
/// <see cref="Saturated"/> is null.
/// </summary>
/// <param name="Step">Training step (the index the caller gave).</param>
/// <param name="Amax">The recorded amax.</param>
/// <param name="AmaxPred">The prediction the step was scaled with (its own amax on the seeding step).</param>
/// <param name="Scale">target / amaxPred / 2^margin, float32 as the trainer computes it.</param>
/// <param name="Saturated">amax &gt; amaxPred: the recorded <c>saturationEvent</c> definition (margin not included).</param>
/// <param name="ClipRatio">amax / (amaxPred · 2^margin): above 1 the tensor's peak lands beyond the format max and clips.</param>
/// <param name="ExpectedOverflow">max(0, 1 - 1/ClipRatio): the fraction of the range [0, amax] that lies beyond the
/// representable range. An estimate from amax alone, not the fraction of elements that clip (that needs the tensor).</param>
public sealed record ReplayPoint(int Step, float Amax, float AmaxPred, float Scale, bool? Saturated, double ClipRatio, double ExpectedOverflow);
