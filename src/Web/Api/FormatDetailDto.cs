namespace QuantScope.Web.Api;

/// <summary>One number format with its grid.</summary>
/// <param name="Format">The listed properties.</param>
/// <param name="RepresentableValues">Every representable non-negative finite (element) value, ascending, from 0.</param>
public sealed record FormatDetailDto(FormatDto Format, IReadOnlyList<double> RepresentableValues);
