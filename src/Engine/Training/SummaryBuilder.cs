using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Training;

/// <summary>
/// Folds a run's metric batches into its <see cref="RunSummary"/>. Works on plain telemetry only, so it gives the same
/// answer live and from stored series.
/// </summary>
public sealed class SummaryBuilder
{
    private readonly IReadOnlyList<string> _layers;
    private readonly bool[] _delayedInputs;
    private readonly int _qatStart;
    private readonly int _apeLastSteps;
    private readonly IReadOnlyDictionary<string, int> _taskItems;
    private readonly SortedDictionary<int, double> _loss = new();
    private readonly SortedDictionary<int, double> _baselineLoss = new();
    private readonly Dictionary<string, SortedDictionary<int, double>> _evals = new();
    private readonly Dictionary<int, float[]> _amax = new();
    private readonly Dictionary<int, float[]> _amaxPred = new();
    private readonly Dictionary<int, float[]> _saturation = new();

    /// <summary>Creates the builder.</summary>
    /// <param name="layers">Layer names in telemetry order.</param>
    /// <param name="delayedInputs">Per layer: its input is quantized under delayed scaling (the pairs stepRate counts).</param>
    /// <param name="qatStart">First main step with quantization on (the BF16 warmup length).</param>
    /// <param name="apeLastSteps">K of the "last K steps" APE mean.</param>
    /// <param name="taskItems">Items each task scores, by task name (for the drops' standard errors); null = not known.</param>
    public SummaryBuilder(IReadOnlyList<string> layers, IReadOnlyList<bool> delayedInputs, int qatStart, int apeLastSteps, IReadOnlyDictionary<string, int>? taskItems = null)
    {
        _taskItems = taskItems ?? new Dictionary<string, int>();
        _layers = layers;
        _delayedInputs = delayedInputs.ToArray();
        _qatStart = qatStart;
        _apeLastSteps = apeLastSteps;
    }

    /// <summary>Takes in one batch.</summary>
    public void Add(MetricBatch batch)
    {
        foreach (var s in batch.Scalars)
        {
            if (s.Metric == MetricCatalog.Loss) _loss[s.Step] = s.Value;
            else if (s.Metric == MetricCatalog.BaselineLoss) _baselineLoss[s.Step] = s.Value;
            else if (IsEval(s.Metric)) Series(s.Metric)[s.Step] = s.Value;
        }

        foreach (var p in batch.LayerPoints)
        {
            if (p.Role != TensorRoles.Input || p.Step < _qatStart) continue;
            var target = p.Metric switch
            {
                MetricCatalog.Amax => _amax,
                MetricCatalog.AmaxPred => _amaxPred,
                MetricCatalog.OverflowFraction => _saturation,
                _ => null,
            };
            if (target is not null) target[p.Step] = p.Values;
        }
    }

    /// <summary>Writes everything taken in so far (a resume checkpoint carries it, so a resumed run's summary covers every step).</summary>
    internal void WriteState(BinaryWriter writer)
    {
        WriteSeries(writer, _loss);
        WriteSeries(writer, _baselineLoss);
        writer.Write(_evals.Count);
        foreach (var (metric, series) in _evals.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            writer.Write(metric);
            WriteSeries(writer, series);
        }

        foreach (var arrays in new[] { _amax, _amaxPred, _saturation })
        {
            writer.Write(arrays.Count);
            foreach (var (step, values) in arrays.OrderBy(a => a.Key))
            {
                writer.Write(step);
                ResumeFormat.WriteFloats(writer, values);
            }
        }
    }

    /// <summary>Replaces everything with what <see cref="WriteState"/> wrote.</summary>
    internal void ReadState(BinaryReader reader)
    {
        ReadSeries(reader, _loss);
        ReadSeries(reader, _baselineLoss);
        _evals.Clear();
        var evals = ResumeFormat.ReadCount(reader, "summary evaluations");
        for (var i = 0; i < evals; i++) ReadSeries(reader, Series(reader.ReadString()));
        foreach (var arrays in new[] { _amax, _amaxPred, _saturation })
        {
            arrays.Clear();
            var count = ResumeFormat.ReadCount(reader, "summary layer values");
            for (var i = 0; i < count; i++) arrays[reader.ReadInt32()] = ResumeFormat.ReadFloats(reader);
        }
    }

    private static void WriteSeries(BinaryWriter writer, SortedDictionary<int, double> series)
    {
        writer.Write(series.Count);
        foreach (var (step, value) in series)
        {
            writer.Write(step);
            writer.Write(value);
        }
    }

    private static void ReadSeries(BinaryReader reader, SortedDictionary<int, double> series)
    {
        series.Clear();
        var count = ResumeFormat.ReadCount(reader, "summary series");
        for (var i = 0; i < count; i++) series[reader.ReadInt32()] = reader.ReadDouble();
    }

    /// <summary>The summary so far, with <paramref name="status"/> (completed, failed, cancelled, interrupted).</summary>
    public RunSummary Build(Guid runId, RunStatus status)
    {
        double? finalLoss = _loss.Count > 0 ? _loss.Last().Value : null;
        BaselineSummary? baseline = _baselineLoss.Count > 0 ? new BaselineSummary(_baselineLoss.Last().Value) : null;
        return new RunSummary(runId, status, _loss.Count, finalLoss, baseline, Ape(), Saturation(), Forgetting(), Tasks());
    }

    private static bool IsEval(string metric) =>
        metric is MetricCatalog.HeldOutLoss or MetricCatalog.BaselineHeldOutLoss or MetricCatalog.ProbeAccuracy or MetricCatalog.BaselineProbeAccuracy
        || (MetricCatalog.IsScalar(metric) && metric.Contains(MetricCatalog.TaskPrefix, StringComparison.Ordinal));

    private SortedDictionary<int, double> Series(string metric)
    {
        if (!_evals.TryGetValue(metric, out var series)) _evals[metric] = series = new SortedDictionary<int, double>();
        return series;
    }

    private LossApeSummary? Ape()
    {
        var steps = _loss.Keys.Where(_baselineLoss.ContainsKey).ToArray();
        if (steps.Length == 0) return null;
        var (mean, last) = LossApe.Summarise(steps.Select(s => _loss[s]).ToArray(), steps.Select(s => _baselineLoss[s]).ToArray(), _apeLastSteps);
        return new LossApeSummary(mean, last);
    }

    private SaturationSummary? Saturation()
    {
        var layers = Enumerable.Range(0, _layers.Count).Where(l => _delayedInputs[l]).ToArray();
        var steps = _saturation.Keys.Where(s => _amax.ContainsKey(s) && _amaxPred.ContainsKey(s)).ToArray();
        if (layers.Length == 0 || steps.Length == 0) return null;

        long pairs = 0, exceeded = 0;
        double sum = 0, max = 0;
        var perLayer = new (double Sum, int Exceeded)[_layers.Count];
        foreach (var step in steps)
        {
            foreach (var l in layers)
            {
                var over = _amax[step][l] > _amaxPred[step][l];
                var fraction = (double)_saturation[step][l];
                pairs++;
                if (over) exceeded++;
                sum += fraction;
                max = Math.Max(max, fraction);
                perLayer[l] = (perLayer[l].Sum + fraction, perLayer[l].Exceeded + (over ? 1 : 0));
            }
        }

        var worst = layers.OrderByDescending(l => perLayer[l].Sum).ThenByDescending(l => perLayer[l].Exceeded).First();
        var worstName = perLayer[worst].Sum > 0 || perLayer[worst].Exceeded > 0 ? _layers[worst] : null;
        return new SaturationSummary((double)exceeded / pairs, max, sum / pairs, worstName);
    }

    private ForgettingSummary? Forgetting()
    {
        if (!_evals.TryGetValue(MetricCatalog.HeldOutLoss, out var loss) || !_evals.TryGetValue(MetricCatalog.ProbeAccuracy, out var probe)) return null;
        return new ForgettingSummary(
            loss.First().Value, loss.Last().Value, Last(MetricCatalog.BaselineHeldOutLoss),
            probe.First().Value, probe.Last().Value, Last(MetricCatalog.BaselineProbeAccuracy));
    }

    private IReadOnlyList<TaskSummary> Tasks()
    {
        var names = _evals.Keys
            .Where(k => k.StartsWith(MetricCatalog.TaskPrefix, StringComparison.Ordinal) && k.EndsWith(MetricCatalog.TaskAccuracySuffix, StringComparison.Ordinal))
            .Select(k => k[MetricCatalog.TaskPrefix.Length..^MetricCatalog.TaskAccuracySuffix.Length])
            .Order(StringComparer.Ordinal);
        return names.Select(name =>
        {
            var acc = Last(MetricCatalog.TaskAccuracy(name))!.Value;
            var norm = Last(MetricCatalog.TaskAccuracy(name, normalised: true)) ?? double.NaN;
            var baseline = Last(MetricCatalog.TaskAccuracy(name, baseline: true));
            double? drop = baseline is > 0 ? (baseline.Value - acc) / baseline.Value * 100.0 : null;
            int? items = _taskItems.TryGetValue(name, out var n) ? n : null;
            var twinOnly = Last(MetricCatalog.TaskDiscordant(name, twinOnly: true));
            var runOnly = Last(MetricCatalog.TaskDiscordant(name, twinOnly: false));
            var paired = twinOnly is not null && runOnly is not null;
            double? se = baseline is not { } b || items is not { } count ? null
                : paired ? TaskSummary.PairedStdErrPp((int)twinOnly!.Value, (int)runOnly!.Value, count)
                : TaskSummary.StdErrPp(acc, b, count);
            return new TaskSummary(name, acc, norm, baseline, drop)
            {
                Items = items,
                DropPp = baseline is { } b2 ? (b2 - acc) * 100.0 : null,
                DropStdErrPp = se,
                TwinOnly = paired ? (int)twinOnly!.Value : null,
                RunOnly = paired ? (int)runOnly!.Value : null,
                RelativeDropStdErrPct = se is { } e && baseline is > 0 ? e / baseline.Value : null, // pp over the twin (a fraction) = percent of it
            };
        }).ToArray();
    }

    private double? Last(string metric) => _evals.TryGetValue(metric, out var s) && s.Count > 0 ? s.Last().Value : null;
}
