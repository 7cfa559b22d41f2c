using QuantScope.Engine.Telemetry;
using QuantScope.Web.Live;

namespace QuantScope.Web.Studies;

/// <summary>
/// What the study page shows live of one run: status, progress (pretraining, then main steps), its loss and its twin's,
/// and its loss APE against the twin (mean so far and over the latest <see cref="RecentSteps"/> steps). Fed the run's
/// history once, then each update's new points; it hands back the points the charts append.
/// </summary>
public sealed class StudyArmView
{
    /// <summary>Steps the "APE now" figure averages over (one step's APE is noisy).</summary>
    public const int RecentSteps = 20;

    private readonly Queue<float> _recent = new();
    private double _apeSum;
    private int _apeCount;

    /// <summary>A view of <paramref name="run"/>, filled from its stored points; <paramref name="status"/> as stored when they were read.</summary>
    public StudyArmView(StudyRunDto run, RunStatus status, string? error, IReadOnlyList<ScalarPoint> history)
    {
        Run = run;
        Status = status;
        Error = error;
        var (loss, twin, ape) = Take(history);
        LossInitial = [loss, twin];
        ApeInitial = ape;
    }

    /// <summary>The run and its arm (results refreshed as the study is reloaded).</summary>
    public StudyRunDto Run { get; set; }

    /// <summary>The run's latest status.</summary>
    public RunStatus Status { get; private set; }

    /// <summary>The run's error, when it failed.</summary>
    public string? Error { get; private set; }

    /// <summary>Latest main-phase step seen, -1 before the first.</summary>
    public int LastStep { get; private set; } = -1;

    /// <summary>Latest pretraining step this run trained (-1: none; it loaded a cached pretraining or waits for one).</summary>
    public int PretrainStep { get; private set; } = -1;

    /// <summary>Mean loss APE against the twin over the steps seen, percent; null before the first.</summary>
    public double? ApeMeanPct => _apeCount == 0 ? null : _apeSum / _apeCount;

    /// <summary>Mean loss APE over the latest <see cref="RecentSteps"/> steps, percent; null before the first.</summary>
    public double? ApeRecentPct => _recent.Count == 0 ? null : _recent.Average();

    /// <summary>Loss and twin loss to draw first (two traces).</summary>
    public IReadOnlyList<IReadOnlyList<(int Step, float Value)>> LossInitial { get; }

    /// <summary>Loss APE points to draw first.</summary>
    public IReadOnlyList<(int Step, float Value)> ApeInitial { get; }

    /// <summary>Percent of the main phase done, 0..100; null when the plan is unknown.</summary>
    public double? ProgressPct => Run.Steps > 0 ? Math.Clamp(100.0 * (LastStep + 1) / Run.Steps, 0, 100) : null;

    /// <summary>Where the run is, in words.</summary>
    public string Phase => Status switch
    {
        RunStatus.Pending => "pending",
        RunStatus.Queued => "queued: starts when a training slot frees (Training:MaxConcurrentRuns)",
        RunStatus.Running when LastStep >= 0 => $"training step {LastStep + 1} / {Run.Steps}",
        RunStatus.Running when PretrainStep >= 0 => $"pretraining step {PretrainStep + 1} (shared by the study's runs)",
        RunStatus.Running => "starting: waiting for the shared pretraining, or loading it from the cache",
        _ => Status.ToText(),
    };

    /// <summary>Takes an update's points; returns the new loss, twin loss and APE points for the charts.</summary>
    public StudyArmDelta Apply(RunFeedUpdate update)
    {
        if (update.Status is { } status)
        {
            Status = status.Status;
            Error = status.Error ?? Error;
        }

        var (loss, twin, ape) = Take(update.Scalars);
        return new StudyArmDelta([loss, twin], ape, update.Status is { } s && s.Status.HasEnded());
    }

    private (List<(int, float)> Loss, List<(int, float)> Twin, List<(int, float)> Ape) Take(IReadOnlyList<ScalarPoint> points)
    {
        List<(int, float)> loss = [], twin = [], ape = [];
        foreach (var p in points.OrderBy(p => p.Step))
        {
            switch (p.Metric)
            {
                case MetricCatalog.Loss:
                    loss.Add((p.Step, p.Value));
                    LastStep = Math.Max(LastStep, p.Step);
                    break;
                case MetricCatalog.BaselineLoss:
                    twin.Add((p.Step, p.Value));
                    break;
                case MetricCatalog.LossApe:
                    ape.Add((p.Step, p.Value));
                    AddApe(p.Value);
                    break;
                case MetricCatalog.PretrainLoss:
                    PretrainStep = Math.Max(PretrainStep, p.Step);
                    break;
            }
        }

        return (loss, twin, ape);
    }

    private void AddApe(float value)
    {
        if (!float.IsFinite(value)) return;
        _apeSum += value;
        _apeCount++;
        _recent.Enqueue(value);
        if (_recent.Count > RecentSteps) _recent.Dequeue();
    }
}
