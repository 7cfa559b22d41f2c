namespace QuantScope.Web.Ingest;

/// <summary>How an ingestion request ended; maps onto HTTP 200/201, 400, 404, 409 and 503.</summary>
public enum IngestStatus
{
    /// <summary>Accepted: committed to the database (survives a crash of the server) and shown to live viewers.</summary>
    Ok,
    /// <summary>The request is malformed; nothing was written.</summary>
    Invalid,
    /// <summary>No run has that id.</summary>
    NotFound,
    /// <summary>The run does not take points: not external, or already finished.</summary>
    Conflict,
    /// <summary>
    /// Storage cannot take points now (locked, full) or did not commit the batch in time: push back, resend later
    /// (resending is safe: a step sent twice replaces/merges, never duplicates).
    /// </summary>
    Unavailable,
}
