using QuantScope.Engine.Analysis.Laws;

namespace QuantScope.Web.Api;

/// <summary>A built-in scaling law as <c>GET /api/laws</c> lists it.</summary>
/// <param name="Name">Registry name, e.g. <c>chen2025-w4a4</c>.</param>
/// <param name="Family"><c>chenQat</c> or <c>kumarPtq</c>.</param>
/// <param name="Formula">The family's formula as text.</param>
/// <param name="ThirdInput">The input besides N and D: <c>G</c> (group size) or <c>P</c> (post-training bits).</param>
/// <param name="Constants">Published constants by name, in the formula's order.</param>
/// <param name="Source">Paper and setting.</param>
public sealed record LawDto(string Name, LawFamily Family, string Formula, string ThirdInput, IReadOnlyDictionary<string, double> Constants, string Source);
