namespace QuantScope.Web.Ingest;

/// <summary>Optional body of <c>POST /api/runs/{id}/finish</c>.</summary>
/// <param name="Status"><c>completed</c> (default) or <c>failed</c>.</param>
/// <param name="Error">Why the job failed.</param>
public sealed record FinishRunDto(string? Status, string? Error);
