using QuantScope.Engine.Training;

namespace QuantScope.Engine.Analysis.Ptq;

/// <summary>
/// Post-training quantization of a run's checkpoints: degradation of loss and task accuracy against the unquantized
/// checkpoint, optional per-layer sensitivity with an exported keep-K plan, degradation against tokens seen over the
/// run's checkpoints, and outlier metrics. Synchronous: run it on one thread (TorchSharp scopes are thread-static).
/// </summary>
public static class PtqAnalysis
{
    /// <summary>Runs the analysis.</summary>
    /// <param name="config">The run's config (model size, seed, precision, data, tasks).</param>
    /// <param name="baseDirectory">Folder relative data paths resolve against (null = working directory).</param>
    /// <param name="runFolder">The run's checkpoint folder (<see cref="CheckpointWriter.RunFolder"/>).</param>
    /// <param name="checkpoints">The run's checkpoints (<see cref="CheckpointWriter.ReadManifest"/>).</param>
    /// <param name="request">What to measure.</param>
    /// <param name="progress">Stage progress, reported on the calling thread.</param>
    /// <param name="ct">Checked between evaluations.</param>
    /// <exception cref="PtqInputException">No checkpoints, an unknown checkpoint step, or a bad keep count.</exception>
    public static PtqReport Run(TrainConfig config, string? baseDirectory, string runFolder, IReadOnlyList<RunCheckpoint> checkpoints,
        PtqRequest request, IProgress<PtqProgress>? progress, CancellationToken ct)
    {
        var target = Select(checkpoints, request.CheckpointStep);
        var exported = PtqPlans.Restrict(request.Plan, request.Activations);
        config = Model.Hf.HfInit.Resolve(config, baseDirectory); // a run from a Hugging Face folder: that folder's model size
        var data = ExperimentData.Load(config, baseDirectory);
        using var ptq = new CheckpointPtq(config, data, PtqPlans.ForEvaluation(request.Plan, request.Activations), request.HeldOutWindows);
        if (request.Sensitivity && (request.KeepHighPrecision < 0 || request.KeepHighPrecision > ptq.QuantizedLayers.Count))
            throw new PtqInputException("keepHighPrecision", $"must be between 0 and the {ptq.QuantizedLayers.Count} quantized layers");
        var warnings = ptq.PlanWarnings.ToList();
        if (exported.Rules.Any(r => r.Recipe == Quantization.RecipeKind.Delayed))
            warnings.Add("delayed-scaling rules were evaluated with current scaling (a checkpoint has no amax history)");

        ptq.Load(Path.Combine(runFolder, target.File));
        progress?.Report(new PtqProgress("baseline", 0, 1));
        var baseline = ptq.Measure(quantized: false);
        progress?.Report(new PtqProgress("baseline", 1, 1));
        ct.ThrowIfCancellationRequested();
        var quantized = ptq.Measure(quantized: true);
        progress?.Report(new PtqProgress("quantized", 1, 1));

        IReadOnlyList<LayerSensitivity> sensitivity = request.Sensitivity ? ptq.Sensitivity(baseline.Loss, progress, ct) : [];
        var keepPlan = request.Sensitivity ? SensitivityPlan.Export(exported, sensitivity, request.KeepHighPrecision) : null;
        ct.ThrowIfCancellationRequested();
        var outliers = ptq.Outliers(request.CalibrationRows);
        progress?.Report(new PtqProgress("outliers", 1, 1));

        var curve = new List<TokenCurvePoint>();
        var others = request.TokenCurve ? checkpoints : [];
        foreach (var c in others)
        {
            ct.ThrowIfCancellationRequested();
            double b, q;
            if (c == target) (b, q) = (baseline.Loss, quantized.Loss);
            else
            {
                ptq.Load(Path.Combine(runFolder, c.File));
                (b, q) = (ptq.Loss(_ => false), ptq.Loss(_ => true));
            }

            curve.Add(new TokenCurvePoint(c.Step, c.TokensSeen, b, q, q - b));
            progress?.Report(new PtqProgress("tokens", curve.Count, others.Count));
        }

        double? accuracyDelta = quantized.MeanTaskAccuracy - baseline.MeanTaskAccuracy;
        return new PtqReport(target, request.Plan.Name, request.Activations, ptq.QuantizedLayers, baseline, quantized,
            quantized.Loss - baseline.Loss, accuracyDelta, sensitivity, keepPlan, curve, outliers, warnings);
    }

    /// <summary>The checkpoint at <paramref name="step"/>, or the last one when null.</summary>
    /// <exception cref="PtqInputException">No checkpoints, or none at that step.</exception>
    public static RunCheckpoint Select(IReadOnlyList<RunCheckpoint> checkpoints, int? step)
    {
        if (checkpoints.Count == 0) throw new PtqInputException("checkpoint", "the run has no checkpoints (train it with checkpointEvery > 0)");
        if (step is null) return checkpoints.MaxBy(c => c.Step)!;
        return checkpoints.FirstOrDefault(c => c.Step == step)
            ?? throw new PtqInputException("checkpoint", $"no checkpoint at step {step}; the run has steps {string.Join(", ", checkpoints.Select(c => c.Step))}");
    }
}
