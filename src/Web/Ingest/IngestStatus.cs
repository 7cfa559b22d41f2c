namespace QuantScope.Web.Ingest;

/// <summary>How an ingestion request ended; maps onto HTTP 200/201, 400, 404 and 409.</summary>
public enum IngestStatus
{
    /// <summary>Accepted (queued for storage and shown to live viewers).</summary>
    Ok,
    /// <summary>The request is malformed; nothing was written.</summary>
    Invalid,
    /// <summary>No run has that id.</summary>
    NotFound,
    /// <summary>The run does not take points: not external, or already finished.</summary>
    Conflict,
}
