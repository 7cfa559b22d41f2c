using QuantScope.Engine.Quantization;

namespace QuantScope.Engine.Analysis.Replay;

/// <summary>
/// A host-side, managed mirror of <see cref="DelayedScalingState"/> for one tensor: the same history window, seeding,
/// update period and scale rule, built on <see cref="ScaleMath"/>'s managed functions (tests check it against the
/// tensor state step by step). Float32 throughout, like the buffers it mirrors.
/// </summary>
public sealed class ReplayScalingState
{
    private readonly float[] _history; // index 0 = most recent step, zero-filled like a fresh buffer
    private float _scale = 1f;
    private float _amaxPred;
    private int _updates;

    /// <summary>Creates a fresh (unseeded) state.</summary>
    /// <exception cref="ArgumentException">Invalid settings.</exception>
    public ReplayScalingState(ReplaySettings settings)
    {
        if (settings.Validate() is { } error) throw new ArgumentException($"{error.Field} {error.Message}", nameof(settings));
        Settings = settings;
        _history = new float[settings.HistoryLength];
    }

    /// <summary>The settings this state follows.</summary>
    public ReplaySettings Settings { get; }

    /// <summary>False until the first <see cref="Update"/>.</summary>
    public bool IsSeeded => _updates > 0;

    /// <summary>
    /// The (scale, amaxPred) this step is quantized with: from the history once seeded, else from
    /// <paramref name="amaxNow"/> itself (the seeding step scales by its own amax, as the trainer does).
    /// </summary>
    public (float Scale, float AmaxPred) ScaleFor(float amaxNow) => IsSeeded
        ? (_scale, _amaxPred)
        : (ScaleMath.ComputeScale(Settings.TargetMax, amaxNow, Settings.Margin, _scale), amaxNow);

    /// <summary>Pushes this step's amax into the history and, on update steps, recomputes amaxPred and the scale.</summary>
    public void Update(float amaxNow)
    {
        Array.Copy(_history, 0, _history, 1, _history.Length - 1);
        _history[0] = amaxNow;
        _updates++;
        if (!ScaleMath.RecomputesAt(_updates, Settings.UpdatePeriod)) return;
        _amaxPred = ScaleMath.AmaxPred(_history, Settings.Algorithm, _updates);
        _scale = ScaleMath.ComputeScale(Settings.TargetMax, _amaxPred, Settings.Margin, _scale);
    }
}
