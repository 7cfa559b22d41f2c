namespace QuantScope.Engine.Quantization;

/// <summary>Host: one metric of one role from that role's raw row (<see cref="RawStatsLayout"/>); NaN when not measured.</summary>
/// <param name="raw">The role's raw counts and sums.</param>
/// <param name="role">The role (<see cref="Telemetry.TensorRoles"/>): some metrics exist on one role only.</param>
internal delegate double LayerStatFormula(ReadOnlySpan<double> raw, string role);
