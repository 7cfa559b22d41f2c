namespace QuantScope.Web.Api;

/// <summary>One memory estimate, bytes: <see cref="Fits"/> when the use needs at most 80 % of what the machine has.</summary>
public sealed record ModelMemoryDto(string Use, long RequiredBytes, long AvailableBytes, bool Fits, string Summary);
