namespace QuantScope.Web.Api;

/// <summary>Body of <c>POST /api/runs/{id}/replay</c>; every field is optional.</summary>
/// <param name="HistoryLengths">H values to sweep (default 1, 4, 16, 64, 256), each 1..65536, at most 32.</param>
/// <param name="Algorithms">Amax algorithms to sweep: <c>max</c>, <c>most_recent</c>, <c>mean</c> (default max and most_recent).</param>
/// <param name="Margin">Headroom in powers of two (default 0).</param>
/// <param name="UpdatePeriod">Steps between scale updates (default 1).</param>
/// <param name="Layer">One layer's full module name; null = every layer with an amax series.</param>
/// <param name="Role">Tensor role: input (default), weight or grad.</param>
public sealed record ReplayRequestDto(
    IReadOnlyList<int>? HistoryLengths, IReadOnlyList<string>? Algorithms, int? Margin, int? UpdatePeriod, string? Layer, string? Role);
