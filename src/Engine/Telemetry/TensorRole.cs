using QuantScope.Engine.Configuration;

namespace QuantScope.Engine.Telemetry;

/// <summary>
/// A tensor role in configs and plans (<c>QuantRule.Role</c>): which of a linear layer's three quantized tensors a rule
/// is for. Its wire names are the <see cref="TensorRoles"/> strings that metrics, the store and exports carry; convert
/// with <see cref="TensorRoleText.ToWire"/>.
/// </summary>
public enum TensorRole
{
    /// <summary>"input": the layer's input activation.</summary>
    [WireName(TensorRoles.Input)] Input,
    /// <summary>"weight": the layer's weight.</summary>
    [WireName(TensorRoles.Weight)] Weight,
    /// <summary>"grad": the gradient of the layer's output (backward pass).</summary>
    [WireName(TensorRoles.GradOutput)] Grad,
}
