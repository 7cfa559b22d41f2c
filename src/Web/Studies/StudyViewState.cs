using System.Runtime.CompilerServices;
using System.Threading.Channels;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Analysis.Diagnosis;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Analysis;
using QuantScope.Web.Live;

namespace QuantScope.Web.Studies;

/// <summary>
/// The study page's view, one per circuit (scoped): the study from the store, one <see cref="RunFeed"/> per run
/// (subscribe, then read history: no gap, no double) merged into one stream of updates, each run's live figures
/// (<see cref="StudyArmView"/>), and the diagnosis of each run once it ended. Disposing it closes the feeds.
/// </summary>
public sealed class StudyViewState(
    StudyRepository studies, LiveRunStore live, RunRepository runs, MetricSeriesRepository series, RunDiagnoser diagnoser,
    StudyJudge judge, ILogger<StudyViewState> log) : IDisposable
{
    /// <summary>How long a run's first point waits for others before the push (coalescing a busy run's steps).</summary>
    public static readonly TimeSpan Throttle = TimeSpan.FromMilliseconds(250);

    private readonly List<RunFeed> _feeds = [];
    private readonly Dictionary<Guid, IReadOnlyList<Finding>> _findings = [];

    /// <summary>The study as last read from the store; null before opening or when it does not exist.</summary>
    public StudyDto? Study { get; private set; }

    /// <summary>The runs' live views, in arm order.</summary>
    public IReadOnlyList<StudyArmView> Arms { get; private set; } = [];

    /// <summary>Each ended run's findings, critical first (absent until diagnosed).</summary>
    public IReadOnlyDictionary<Guid, IReadOnlyList<Finding>> Findings => _findings;

    /// <summary>The study's status from its runs' live statuses (<see cref="StudyRepository.StatusOf"/>).</summary>
    public RunStatus Status => StudyRepository.StatusOf(Arms.Select(a => a.Status));

    /// <summary>True when every run has ended.</summary>
    public bool Ended => Arms.Count > 0 && Arms.All(a => a.Status.HasEnded());

    /// <summary>
    /// True while a run has ended live but the store does not have its end, results or diagnosis yet (the end is queued
    /// behind the run's points): <see cref="RefreshAsync"/> again a moment later.
    /// </summary>
    public bool StoreBehind => Arms.Any(a => a.Status.HasEnded() && (!a.Run.Status.HasEnded() || !_findings.ContainsKey(a.Run.RunId)));

    /// <summary>Opens the study (runs, history, live feeds; no diagnosis yet): false when there is none with <paramref name="id"/>.</summary>
    public async Task<bool> OpenAsync(Guid id, CancellationToken ct)
    {
        Close();
        Study = await studies.GetAsync(id, ct);
        if (Study is null) return false;
        var arms = new List<StudyArmView>();
        foreach (var run in Study.Runs)
        {
            var feed = await RunFeed.OpenAsync(run.RunId, live, runs, series, ct);
            if (feed is null) continue; // deleted meanwhile
            _feeds.Add(feed);
            arms.Add(new StudyArmView(run, feed.Run.Status, feed.Run.Error, feed.HistoryScalars));
        }

        Arms = arms;
        return true; // the ended runs' diagnosis comes with RefreshAsync: the page shows the runs first
    }

    /// <summary>Every run's updates as (arm index, update), at most one per run per <see cref="Throttle"/>.</summary>
    public async IAsyncEnumerable<(int Arm, RunFeedUpdate Update)> UpdatesAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var merged = Channel.CreateUnbounded<(int, RunFeedUpdate)>(new UnboundedChannelOptions { SingleReader = true });
        var pumps = _feeds.Select((feed, i) => PumpAsync(feed, i, merged.Writer, ct)).ToList();
        _ = Task.WhenAll(pumps).ContinueWith(_ => merged.Writer.TryComplete(), TaskScheduler.Default);
        await foreach (var item in merged.Reader.ReadAllAsync(ct)) yield return item;
    }

    // Each run's feed is read in turn by the page (one update applied before the next is read): a slow page gets
    // fewer, larger updates. Unbounded between feed and page, but at most one update per run is in flight at a time.
    private async Task PumpAsync(RunFeed feed, int arm, ChannelWriter<(int, RunFeedUpdate)> writer, CancellationToken ct)
    {
        try
        {
            await foreach (var update in feed.UpdatesAsync(Throttle, ct)) await writer.WriteAsync((arm, update), ct);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "Live updates of study run {RunId} stopped", feed.Run.Id);
        }
    }

    /// <summary>Applies one run's update; returns the points its charts append.</summary>
    public StudyArmDelta Apply(int arm, RunFeedUpdate update) => Arms[arm].Apply(update);

    /// <summary>Reads the study again (results and targets of the runs that ended) and diagnoses the runs that ended since.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        if (Study is null) return;
        if (await studies.GetAsync(Study.Id, ct) is not { } study) return;
        Study = study;
        foreach (var arm in Arms)
        {
            if (study.Runs.FirstOrDefault(r => r.RunId == arm.Run.RunId) is { } fresh) arm.Run = fresh;
        }
        await DiagnoseEndedAsync(ct);
    }

    // Diagnosis reads the run's whole series: once per run, after it ended and its points are stored. Reading the study
    // (RefreshAsync) has judged its completed runs already: their findings are the judge's; others are diagnosed here.
    private async Task DiagnoseEndedAsync(CancellationToken ct)
    {
        foreach (var arm in Arms.Where(a => a.Status.HasEnded() && a.Run.Status.HasEnded() && !_findings.ContainsKey(a.Run.RunId)))
        {
            if ((judge.FindingsOf(arm.Run.RunId) ?? await diagnoser.DiagnoseAsync(arm.Run.RunId, ct)) is { } findings)
                _findings[arm.Run.RunId] = findings;
        }
    }

    /// <summary>Closes the feeds (the page left).</summary>
    public void Close()
    {
        foreach (var feed in _feeds) feed.Dispose();
        _feeds.Clear();
        _findings.Clear();
        Arms = [];
        Study = null;
    }

    /// <inheritdoc />
    public void Dispose() => Close();
}
