using QuantScope.Engine.Configuration;

namespace QuantScope.Engine.Telemetry;

/// <summary>The one conversion between a config's <see cref="TensorRole"/> and the role strings of telemetry (<see cref="TensorRoles"/>).</summary>
public static class TensorRoleText
{
    /// <summary>The role as metrics, plan entries and the store write it: <c>input</c>, <c>weight</c> or <c>grad</c>.</summary>
    public static string ToWire(this TensorRole role) => WireNames<TensorRole>.Of(role);

    /// <summary>The role named <paramref name="wire"/> exactly (<c>input</c>, <c>weight</c>, <c>grad</c>); false for anything else, including <see cref="TensorRoles.None"/>.</summary>
    public static bool TryParse(string? wire, out TensorRole role) => WireNames<TensorRole>.TryParse(wire, out role);
}
