using System.Text.Json.Nodes;

namespace QuantScope.Engine.Training.Sweeps;

/// <summary>One swept field: a dotted JSON path into the experiment config and the values it takes, in order.</summary>
/// <param name="Field">Dotted path, e.g. <c>weightDecay</c>, <c>quant.preset</c>, <c>model.dModel</c>.</param>
/// <param name="Values">JSON values (numbers, strings, booleans, objects, null), each set in turn.</param>
public sealed record SweepAxis(string Field, IReadOnlyList<JsonNode?> Values);
