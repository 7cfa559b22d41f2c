namespace QuantScope.Web.Cluster;

/// <summary>What a worker tells the dashboard once its trainer is built: the layers, the effective plan (JSON), who runs it and the checkpoint step it resumed after (null = from scratch).</summary>
[GenerateSerializer, Immutable]
public sealed record RunStartDto(
    [property: Id(0)] Guid RunId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] string Worker,
    [property: Id(3)] IReadOnlyList<string> Layers,
    [property: Id(4)] string PlanJson,
    [property: Id(5)] int? ResumedAfter);
