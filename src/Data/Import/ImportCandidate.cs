namespace QuantScope.Data.Import;

/// <summary>A format the sniffer finds plausible for a file and how sure it is (0 none .. 1 certain).</summary>
public sealed record ImportCandidate(string Format, double Confidence);
