namespace QuantScope.Engine.Telemetry;

/// <summary>
/// The role a quantized tensor plays in a linear layer, as telemetry, the store and exports write it (configs hold a
/// <see cref="TensorRole"/>, whose wire names these are).
/// </summary>
public static class TensorRoles
{
    /// <summary>The layer's input activation.</summary>
    public const string Input = "input";
    /// <summary>The layer's weight.</summary>
    public const string Weight = "weight";
    /// <summary>The gradient of the layer's output (backward pass).</summary>
    public const string GradOutput = "grad";
    /// <summary>The three tensor roles, in forward order (input, weight) then backward (grad): the <see cref="TensorRole"/> wire names.</summary>
    public static IReadOnlyList<string> All => Configuration.WireNames<TensorRole>.All;

    /// <summary>True for input, weight or grad.</summary>
    public static bool IsKnown(string? role) => TensorRoleText.TryParse(role, out _);

    /// <summary>No role: scalar, per-step series such as loss.</summary>
    public const string None = "";
}
