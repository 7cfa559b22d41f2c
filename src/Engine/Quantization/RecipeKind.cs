namespace QuantScope.Engine.Quantization;

/// <summary>Where a rule's scale comes from, or <see cref="Keep"/> = leave the tensor in high precision.</summary>
public enum RecipeKind
{
    /// <summary>Per-tensor delayed scaling from an amax history (<see cref="DelayedScalingRecipe"/>).</summary>
    Delayed,
    /// <summary>Per-tensor scaling from this step's amax (<see cref="CurrentScalingRecipe"/>).</summary>
    Current,
    /// <summary>The format's own per-block/group scales (<see cref="BlockScalingRecipe"/>).</summary>
    Block,
    /// <summary>High precision: no quantization.</summary>
    Keep,
}
