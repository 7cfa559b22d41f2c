using QuantScope.Engine.Analysis.Ptq;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Api;

/// <summary>A PTQ job as <c>GET /api/ptq/{jobId}</c> reports it.</summary>
/// <param name="JobId">Job id.</param>
/// <param name="RunId">The run whose checkpoints are analysed.</param>
/// <param name="Status">Pending (queued), Running, Completed, Failed or Cancelled; lower case on the wire.</param>
/// <param name="Stage">Current stage (<see cref="PtqProgress.Stage"/>), or null before the first report.</param>
/// <param name="Done">Units done in the stage.</param>
/// <param name="Total">Units in the stage.</param>
/// <param name="Error">Why it failed, or null.</param>
/// <param name="Result">The report once completed, else null.</param>
public sealed record PtqJobDto(Guid JobId, Guid RunId, RunStatus Status, string? Stage, int Done, int Total, string? Error, PtqReport? Result);
