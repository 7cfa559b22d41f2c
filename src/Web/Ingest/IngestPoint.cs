namespace QuantScope.Web.Ingest;

/// <summary>One validated point of a columnar batch.</summary>
/// <param name="Step">Non-negative step.</param>
/// <param name="Name">Metric name.</param>
/// <param name="Layer">Full module name, or null for a per-step scalar.</param>
/// <param name="Role">Tensor role (<c>input</c>, <c>weight</c>, <c>grad</c>) of a layer point; null for a scalar.</param>
/// <param name="Value">The value; NaN and ±Infinity are data.</param>
public readonly record struct IngestPoint(int Step, string Name, string? Layer, string? Role, float Value);
