namespace QuantScope.Web.Api;

/// <summary>One observation in <c>POST /api/laws/{name}/fit</c> (and in the <c>law fit</c> points file).</summary>
/// <param name="N">Model parameters, &gt; 0 (required).</param>
/// <param name="D">Training tokens, &gt; 0 (required).</param>
/// <param name="G">Group size, &gt;= 2 (required for chen2025-* fits).</param>
/// <param name="P">Post-training bits, &gt; 0 (required for kumar2024-ptq fits).</param>
/// <param name="Delta">Observed loss gap (quantized minus full-precision twin), nats/token, &gt; 0 (required).</param>
public sealed record LawPointDto(double? N, double? D, double? G, double? P, double? Delta);
