using QuantScope.Engine.Quantization;

namespace QuantScope.Engine.Analysis.Ptq;

/// <summary>What to measure on a run's checkpoints (immutable).</summary>
public sealed record PtqRequest
{
    /// <summary>The plan to apply (a preset or <see cref="PtqPlans.Resolve"/>); restricted by <see cref="Activations"/>.</summary>
    public required QuantPlan Plan { get; init; }

    /// <summary>Quantize layer inputs too (W+A); false = weights only.</summary>
    public bool Activations { get; init; }

    /// <summary>Main steps of the checkpoint to analyse; null = the last one.</summary>
    public int? CheckpointStep { get; init; }

    /// <summary>Rank layers by the damage of quantizing each one alone.</summary>
    public bool Sensitivity { get; init; }

    /// <summary>With <see cref="Sensitivity"/>: how many of the worst layers the exported plan keeps in high precision.</summary>
    public int KeepHighPrecision { get; init; }

    /// <summary>Also measure the loss degradation of every other checkpoint of the run (against tokens seen).</summary>
    public bool TokenCurve { get; init; } = true;

    /// <summary>Held-out windows per loss evaluation (the trainer's evaluations use 16).</summary>
    public int HeldOutWindows { get; init; } = 16;

    /// <summary>Sequences in the calibration batch of the activation statistics.</summary>
    public int CalibrationRows { get; init; } = 8;
}
