using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Ingest;

/// <summary>The outcome of an ingestion call, shared by the REST endpoints and the hub.</summary>
/// <param name="Status">Success or the kind of failure.</param>
/// <param name="Message">A sentence for humans (problem title, hub error).</param>
/// <param name="Errors">Field errors of an <see cref="IngestStatus.Invalid"/> request, e.g. <c>steps[3]</c>.</param>
/// <param name="Points">Points accepted.</param>
/// <param name="LayerCount">Length of the run's layer list after the call.</param>
public sealed record IngestResult(IngestStatus Status, string Message, IReadOnlyList<ConfigError> Errors, int Points, int LayerCount)
{
    /// <summary>Accepted.</summary>
    public static IngestResult Ok(int points, int layerCount) => new(IngestStatus.Ok, "Accepted.", [], points, layerCount);

    /// <summary>Malformed request; nothing written.</summary>
    public static IngestResult Invalid(IReadOnlyList<ConfigError> errors, string message = "The metric batch is invalid; nothing was written.") =>
        new(IngestStatus.Invalid, message, errors, 0, 0);

    /// <summary>Unknown run.</summary>
    public static IngestResult NotFound(Guid id) => new(IngestStatus.NotFound, $"No run has id {id}.", [], 0, 0);

    /// <summary>The run does not take points.</summary>
    public static IngestResult Conflict(string message) => new(IngestStatus.Conflict, message, [], 0, 0);

    /// <summary>Storage pushes back; <paramref name="retryAfterSeconds"/> goes into Retry-After.</summary>
    public static IngestResult Unavailable(string message, int retryAfterSeconds) =>
        new(IngestStatus.Unavailable, message, [], 0, 0) { RetryAfterSeconds = retryAfterSeconds };

    /// <summary>Seconds a client should wait before resending (<see cref="IngestStatus.Unavailable"/> only).</summary>
    public int RetryAfterSeconds { get; init; }

    /// <summary>The message followed by every field error (what a hub client sees).</summary>
    public string Describe() =>
        Errors.Count == 0 ? Message : Message + " " + string.Join("; ", Errors.Select(e => $"{e.Field}: {e.Message}"));
}
