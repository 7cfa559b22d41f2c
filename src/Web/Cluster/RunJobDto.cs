namespace QuantScope.Web.Cluster;

/// <summary>
/// A run handed to the cluster: its id, its config in the house JSON dialect (Engine types stay free of Orleans), and
/// the attempt number a fresh start on a worker takes (raised each time the job is placed again after a lost worker).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RunJobDto([property: Id(0)] Guid RunId, [property: Id(1)] string ConfigJson, [property: Id(2)] int Attempt);
