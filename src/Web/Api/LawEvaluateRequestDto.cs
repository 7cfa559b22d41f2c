namespace QuantScope.Web.Api;

/// <summary>Body of <c>POST /api/laws/{name}/evaluate</c> (field names are case-insensitive).</summary>
/// <param name="N">Model parameters, &gt; 0 (required).</param>
/// <param name="D">Training tokens, &gt; 0 (required).</param>
/// <param name="G">Group size, &gt;= 2 (required by chen2025-* laws).</param>
/// <param name="P">Post-training bits, &gt; 0 (required by kumar2024-ptq).</param>
public sealed record LawEvaluateRequestDto(double? N, double? D, double? G, double? P);
