using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Cluster;

/// <summary>
/// A job's state as its worker reports it (<see cref="RunStatus.Running"/>, then Completed, Failed or Cancelled): the attempt it runs, the worker's name, the last step sent, the step it resumed
/// after (null = from scratch) and, once ended, the error and the run summary in the house JSON dialect.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record JobStatusDto(
    [property: Id(0)] RunStatus State,
    [property: Id(1)] int Attempt,
    [property: Id(2)] string Worker,
    [property: Id(3)] int LastStep,
    [property: Id(4)] int? ResumedAfter,
    [property: Id(5)] string? Error,
    [property: Id(6)] string? SummaryJson)
{
    /// <summary>True once the job will not train any more.</summary>
    public bool Ended => State != RunStatus.Running;
}
