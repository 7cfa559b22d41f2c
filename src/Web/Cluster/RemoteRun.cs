namespace QuantScope.Web.Cluster;

/// <summary>The dashboard's view of one run on the cluster: the latest attempt, and the workers that ran it, in order.</summary>
public sealed class RemoteRun(Guid runId)
{
    private readonly List<string> _workers = [];
    private readonly List<int?> _resumes = [];
    private int _attempt;

    /// <summary>The run's id.</summary>
    public Guid RunId { get; } = runId;

    /// <summary>The latest attempt seen (0 = none started yet).</summary>
    public int Attempt => Volatile.Read(ref _attempt);

    /// <summary>Cancels the run from the UI or API.</summary>
    public CancellationTokenSource Cancellation { get; } = new();

    /// <summary>Names of the workers that started an attempt of this run, first to last.</summary>
    public IReadOnlyList<string> Workers
    {
        get
        {
            lock (_workers) return _workers.ToList();
        }
    }

    /// <summary>For each attempt started, the checkpoint step it resumed after (null = from scratch).</summary>
    public IReadOnlyList<int?> Resumes
    {
        get
        {
            lock (_workers) return _resumes.ToList();
        }
    }

    /// <summary>Commit of the latest batch stored for this run (the persist queue is FIFO: it covers every earlier batch).</summary>
    public Task LastCommit { get; set; } = Task.CompletedTask;

    /// <summary>Notes where the latest attempt resumed.</summary>
    public void NoteResume(int? step)
    {
        lock (_workers) _resumes.Add(step);
    }

    /// <summary>
    /// True when <paramref name="attempt"/> is the latest (raising it when newer, noting <paramref name="worker"/> when
    /// given); false for an older attempt, whose messages are dropped.
    /// </summary>
    public bool Accept(int attempt, string? worker)
    {
        lock (_workers)
        {
            if (attempt < _attempt) return false;
            var newer = attempt > _attempt;
            _attempt = attempt;
            if (worker is not null && (newer || _workers.Count == 0)) _workers.Add(worker);
            return true;
        }
    }
}
