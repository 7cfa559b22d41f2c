namespace QuantScope.Web.Reliability;

/// <summary>
/// Whether the persist path can write right now. <see cref="Live.MetricPersistenceService"/> reports a storage fault
/// (database locked past the busy timeout, disk full, I/O error) and its recovery; the ingest path reads it to push back
/// (HTTP 503 + Retry-After, hub error) instead of queueing points it cannot store. Engine runs simply wait (their
/// training thread blocks on the bounded queue). Thread-safe.
/// </summary>
public sealed class PersistHealth
{
    /// <summary>How long an ingest call waits for its batch to be committed before answering 503 (default 10 s).</summary>
    public static readonly TimeSpan DefaultAckTimeout = TimeSpan.FromSeconds(10);

    private volatile string? _problem;

    /// <summary>Creates the health record; <paramref name="ackTimeout"/> null = <see cref="DefaultAckTimeout"/>.</summary>
    public PersistHealth(TimeSpan? ackTimeout = null) => AckTimeout = ackTimeout is { } t && t > TimeSpan.Zero ? t : DefaultAckTimeout;

    /// <summary>How long an ingest call waits for the commit of its batch (queue wait included).</summary>
    public TimeSpan AckTimeout { get; }

    /// <summary>The storage fault now in force (a sentence naming it), or null when the last write succeeded.</summary>
    public string? Problem => _problem;

    /// <summary>Seconds a client should wait before sending again while <see cref="Problem"/> is set.</summary>
    public int RetryAfterSeconds { get; private set; } = 1;

    /// <summary>Writes fail for a reason that may pass (locked, full, I/O); the writer keeps the points and retries.</summary>
    public void ReportFault(string problem, TimeSpan retryIn)
    {
        RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(retryIn.TotalSeconds));
        _problem = problem;
    }

    /// <summary>A write committed: the fault (if any) is over.</summary>
    public void ReportHealthy() => _problem = null;
}
