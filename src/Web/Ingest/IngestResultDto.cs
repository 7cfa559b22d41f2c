namespace QuantScope.Web.Ingest;

/// <summary>Answer to an accepted batch.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Points">Points accepted.</param>
/// <param name="LayerCount">Length of the run's layer list after the batch (new layer names are appended).</param>
public sealed record IngestResultDto(Guid RunId, int Points, int LayerCount);
