using System.Diagnostics;
using System.Threading.Channels;
using QuantScope.Engine.Analysis.Diagnosis;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Training;

/// <summary>
/// Trains runs in-process, one after another on the calling thread, and diagnoses each from its own metrics: the demo
/// study's arms for <c>bench --demo</c>, and single tiny runs for tests that check the detectors on real failures.
/// Pretraining is cached in <c>cacheDirectory</c>, so arms that share one train it once.
/// </summary>
public static class StudyRunner
{
    /// <summary>Runs every arm in order; <paramref name="log"/> hears a line as each one ends.</summary>
    public static IReadOnlyList<StudyArmResult> Run(IReadOnlyList<StudyArm> arms, string cacheDirectory, DiagnosisThresholds? thresholds = null,
        Action<string>? log = null, CancellationToken ct = default)
    {
        var results = new List<StudyArmResult>();
        foreach (var arm in arms)
        {
            var result = RunOne(arm.Config, cacheDirectory, arm.Key, thresholds, ct);
            log?.Invoke($"{arm.Key}: {result.WallSeconds:F0} s, {result.Summary.Status.ToString().ToLowerInvariant()}, {result.Findings.Count} finding(s)"
                + string.Concat(result.Findings.Select(f => $"\n  {f.Severity} {f.Detector}: {f.Title}. {f.Evidence}")));
            results.Add(result);
        }

        return results;
    }

    /// <summary>
    /// Trains one config to its end (or divergence) and diagnoses it. A diverged run comes back with status Failed and
    /// its error; anything else thrown (an invalid config, cancellation) propagates.
    /// </summary>
    /// <exception cref="ArgumentException">The config is invalid (the message names each field).</exception>
    public static StudyArmResult RunOne(TrainConfig config, string? cacheDirectory, string? key = null, DiagnosisThresholds? thresholds = null,
        CancellationToken ct = default, Action<Trainer>? prepare = null)
    {
        var watch = Stopwatch.StartNew();
        var valid = ConfigValidator.Require(config);
        using var trainer = new Trainer(valid, new TrainerOptions { CheckpointDirectory = cacheDirectory });
        prepare?.Invoke(trainer);
        var channel = Channel.CreateUnbounded<MetricBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var runId = Guid.NewGuid();
        RunSummary summary;
        string? error = null;
        try
        {
            summary = trainer.Run(runId, channel.Writer, ct);
        }
        catch (TrainingDivergedException diverged)
        {
            error = diverged.Message;
            summary = trainer.SummarySoFar(runId, RunStatus.Failed)!;
        }

        channel.Writer.Complete();
        var recorder = new DiagnosisInputRecorder();
        while (channel.Reader.TryRead(out var batch)) recorder.Add(batch);
        var input = recorder.Build(trainer.Layout.Layers, RequestedSettings.From(trainer.Config), trainer.EffectivePlan, trainer.PlanWarnings, error, summary.Divergence);
        var findings = Diagnoser.Run(input, thresholds);
        return new StudyArmResult(key ?? config.Name, summary, findings, watch.Elapsed.TotalSeconds, input, error);
    }
}
