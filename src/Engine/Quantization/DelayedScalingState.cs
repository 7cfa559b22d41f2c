using QuantScope.Engine.Numerics;
using QuantScope.Engine.Numerics.Cpu;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// The scaling state of one quantized tensor (one layer, one role): an amax history window and the scale the next
/// step will use. Buffers (persisted by <c>module.save</c>): <c>amax_history</c> [H] (index 0 = most recent step),
/// <c>scale</c> and <c>amaxPred</c> (0-d, the prediction the scale came from).
/// <para>
/// Timing: the scale used at step t comes from the history ending at step t-1 (<see cref="ScaleFor"/> then
/// <see cref="Update"/> once per training step). Step 0 has no history: it is scaled by its own amax
/// (current scaling, once) and then seeds the history. We chose this over TE's initial scale of 1 because a scale of 1
/// on a fresh model would report misleading saturation and underflow for the first step.
/// </para>
/// </summary>
public sealed class DelayedScalingState : nn.Module
{
    // Numbers handed to TorchSharp are Scalars held here (see Numerics/ScalarOps: a temporary can be freed mid-call).
    private static readonly Scalar One = 1f.ToScalar();

    [ComponentName(Name = "amax_history")]
    private readonly Tensor _history;
    [ComponentName(Name = "scale")]
    private readonly Tensor _scale;
    [ComponentName(Name = "amaxPred")]
    private readonly Tensor _amaxPred;

    /// <summary>Creates a state with an all-zero history and scale 1.</summary>
    /// <param name="name">Module name.</param>
    /// <param name="recipe">History length, algorithm and margin.</param>
    /// <param name="format">The element format whose max (HiF8: max_val 15, see <see cref="ScaleMath.TargetMax"/>) the scale targets.</param>
    /// <param name="device">Where the history and scale live (null = CPU): the run's device.</param>
    public DelayedScalingState(string name, DelayedScalingRecipe recipe, INumberFormat format, Device? device = null) : base(name)
    {
        Recipe = recipe;
        Format = format;
        Algorithm = recipe.AmaxComputeAlgo;
        TargetMax = ScaleMath.TargetMax(format);
        if (recipe.UpdatePeriod < 1) throw new ArgumentOutOfRangeException(nameof(recipe), "UpdatePeriod must be at least 1.");
        _history = zeros(recipe.AmaxHistoryLength, dtype: ScalarType.Float32, device: device);
        _scale = ones(Array.Empty<long>(), dtype: ScalarType.Float32, device: device);
        _amaxPred = zeros(Array.Empty<long>(), dtype: ScalarType.Float32, device: device);
        register_buffer("amax_history", _history);
        register_buffer("scale", _scale);
        register_buffer("amaxPred", _amaxPred);
        Lineage = ScalingLineage.Fresh(recipe, format.Name);
    }

    /// <summary>The recipe this state follows.</summary>
    public DelayedScalingRecipe Recipe { get; }

    /// <summary>The target format.</summary>
    public INumberFormat Format { get; }

    /// <summary>The value amaxPred is scaled to (format max, or 15 for HiF8).</summary>
    public double TargetMax { get; }

    /// <summary>Number of <see cref="Update"/> calls so far; host-side, not persisted.</summary>
    public int Updates { get; private set; }

    /// <summary>The parsed <see cref="DelayedScalingRecipe.AmaxComputeAlgo"/>.</summary>
    public AmaxAlgorithm Algorithm { get; }

    /// <summary>
    /// Which amax tensors this state took since it was fresh (host-side, not persisted): states with the same lineage hold
    /// equal buffers, so their quantizers produce equal values from equal inputs.
    /// </summary>
    internal ScalingLineage Lineage { get; private set; }

    /// <summary>False until the first <see cref="Update"/>; host-side, not persisted.</summary>
    public bool IsSeeded { get; private set; }

    /// <summary>[H] amax history, index 0 = most recent step (live buffer: do not modify).</summary>
    public Tensor AmaxHistory => _history;

    /// <summary>0-d scale the next step will use (live buffer: do not modify).</summary>
    public Tensor Scale => _scale;

    /// <summary>0-d amax prediction <see cref="Scale"/> was computed from (live buffer: do not modify).</summary>
    public Tensor AmaxPred => _amaxPred;

    /// <summary>
    /// The (scale, amaxPred) to use for this step, as new 0-d tensors. Before the first update they come from
    /// <paramref name="amaxNow"/> (see the class remarks); afterwards from the history only, never from amaxNow.
    /// </summary>
    public (Tensor Scale, Tensor AmaxPred) ScaleFor(Tensor amaxNow)
    {
        using var _ = no_grad();
        if (IsSeeded) return (_scale.clone(), _amaxPred.clone());
        var pred = amaxNow.detach().to(ScalarType.Float32).clone();
        return (ScaleMath.ComputeScale(TargetMax, pred, Recipe.Margin, _scale), pred);
    }

    /// <summary>
    /// Forgets everything: zero history, scale 1, amaxPred 0, unseeded (the next step seeds itself again). Used when
    /// quantization switches on after a high-precision warmup, so the warmup's ranges do not set the first scales.
    /// </summary>
    public void Reset()
    {
        using var _ = no_grad();
        _history.zero_();
        _scale.fill_(One);
        _amaxPred.zero_();
        Updates = 0;
        IsSeeded = false;
        Lineage = ScalingLineage.Fresh(Recipe, Format.Name);
    }

    /// <summary>
    /// Restores the host-side counters after the buffers were loaded from a resume checkpoint: <see cref="Updates"/> =
    /// <paramref name="updates"/>, seeded when it is above 0 (exactly what that many <see cref="Update"/> calls leave).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative count.</exception>
    public void RestoreUpdates(int updates)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(updates);
        Updates = updates;
        IsSeeded = updates > 0;
        Lineage = new ScalingLineage(); // buffers read from a file: equal to no other state's as far as the host knows
    }

    /// <summary>
    /// Ends a step: pushes <paramref name="amaxNow"/> into the history (the oldest value rolls off after H steps) and
    /// recomputes amaxPred and the scale for the next step. Call once per training step, after <see cref="ScaleFor"/>.
    /// With <see cref="DelayedScalingRecipe.UpdatePeriod"/> N &gt; 1 the scale is recomputed on the first update and
    /// then after every N-th update; in between it is held (the history still records every step).
    /// </summary>
    public void Update(Tensor amaxNow)
    {
        if (UpdateOnCpu(amaxNow)) return;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var rolled = _history.roll(1, 0); // shift older by one slot; slot 0 then receives the newest amax
        rolled[0] = amaxNow.detach().to(ScalarType.Float32);
        _history.copy_(rolled);
        Updates++;
        IsSeeded = true;
        Lineage = Lineage.Next(amaxNow);
        if (!ScaleMath.RecomputesAt(Updates, Recipe.UpdatePeriod)) return;
        var pred = ScaleMath.AmaxPred(_history, Algorithm, Updates);
        var scale = ScaleMath.ComputeScale(TargetMax, pred, Recipe.Margin, _scale);
        _amaxPred.copy_(pred);
        _scale.copy_(scale);
    }

    // The CPU route of Update: the same steps on the buffers' own memory (CPU memory is this device's: no copy, no
    // sync), for float32 amax and the max and most-recent algorithms, whose managed twins in ScaleMath are bit-identical
    // to the tensor versions (the mean's summation order is not, so it keeps the tensor route). The tensor route is a
    // dozen small ops of a few µs fixed cost each, per state and step: the grad watch's shadow states alone took ~10 ms
    // of a `small` step (issue 23). Tested against the tensor route (DelayedScalingStateCpuTests).
    private bool UpdateOnCpu(Tensor amaxNow)
    {
        if (Algorithm == AmaxAlgorithm.Mean || amaxNow.numel() != 1 || !CpuKernel.Applies(amaxNow) || !CpuKernel.Applies(_history)
            || !CpuKernel.Applies(_scale) || !CpuKernel.Applies(_amaxPred))
            return false;
        var history = CpuKernel.Floats(_history);
        history[..^1].CopyTo(history[1..]); // older by one slot (an overlapping copy moves like memmove)
        history[0] = CpuKernel.Value(amaxNow);
        Updates++;
        IsSeeded = true;
        Lineage = Lineage.Next(amaxNow);
        if (!ScaleMath.RecomputesAt(Updates, Recipe.UpdatePeriod)) return true;
        var pred = ScaleMath.AmaxPred(history, Algorithm, Updates);
        var scale = CpuKernel.Floats(_scale);
        CpuKernel.Floats(_amaxPred)[0] = pred;
        scale[0] = ScaleMath.ComputeScale(TargetMax, pred, Recipe.Margin, scale[0]);
        return true;
    }
}
