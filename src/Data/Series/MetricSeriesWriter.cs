using System.Data;
using System.Data.Common;
using QuantScope.Data.Runs;
using QuantScope.Data.Sqlite;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Data.Series;

/// <summary>
/// The lossless sink of metric series: every point of every batch of a flush in ONE transaction through raw commands
/// (~10x EF's AddRange here; PostgreSQL: binary COPY), a re-sent step replaces instead of duplicating, and
/// <c>runs.last_step</c> raised to the highest step in the same transaction. A series is named once in <c>series</c>
/// (created on first write); point rows carry its integer id. Acknowledged means committed. Thread-safe: each call uses
/// its own pooled connection; SQLite serialises concurrent flushes (busy waits up to the command timeout), PostgreSQL
/// serialises flushes of the same run (row lock on the run).
/// <see cref="WriteMergedAsync"/> is the mode for external runs, whose batches may each carry only some layers of a step.
/// </summary>
public sealed class MetricSeriesWriter(QuantScopeDatabase database)
{
    /// <summary>
    /// Writes all <paramref name="batches"/> atomically. Throws <see cref="ArgumentException"/> for a malformed point
    /// (null values, negative step, no metric) and <see cref="RunNotFoundException"/> for an unknown run; in both cases
    /// nothing of the flush is written.
    /// </summary>
    public Task WriteAsync(IReadOnlyList<MetricBatch> batches, CancellationToken ct) => WriteCoreAsync(batches, merge: false, ct);

    /// <summary>
    /// Like <see cref="WriteAsync"/>, but a layer point whose (run, metric, role, step) row exists is MERGED into it
    /// instead of replacing it: the stored array is padded to the longer of the two lengths, and every non-NaN value of
    /// the new point overwrites its slot, NaN slots keep what was stored. Read and write happen in the same transaction,
    /// so batches of one flush that name the same step merge in order. Scalars still replace (one value per step).
    /// </summary>
    public Task WriteMergedAsync(IReadOnlyList<MetricBatch> batches, CancellationToken ct) => WriteCoreAsync(batches, merge: true, ct);

    /// <summary>
    /// The merge rule of <see cref="WriteMergedAsync"/>: length max(|stored|, |incoming|); incoming non-NaN wins,
    /// otherwise the stored value, otherwise NaN (a slot neither array reaches).
    /// </summary>
    public static float[] Merge(ReadOnlySpan<float> stored, ReadOnlySpan<float> incoming)
    {
        var merged = new float[Math.Max(stored.Length, incoming.Length)];
        for (var i = 0; i < merged.Length; i++)
        {
            var fresh = i < incoming.Length ? incoming[i] : float.NaN;
            merged[i] = !float.IsNaN(fresh) ? fresh : i < stored.Length ? stored[i] : float.NaN;
        }
        return merged;
    }

    private async Task WriteCoreAsync(IReadOnlyList<MetricBatch> batches, bool merge, CancellationToken ct)
    {
        MetricBatchValidator.Validate(batches);
        if (batches.Count == 0)
            return;

        var dialect = database.Dialect;
        await using var connection = await dialect.OpenAsync(ct);
        await using var transaction = await dialect.BeginWriteAsync(connection, ct);
        await RaiseLastStepsAsync(connection, transaction, batches, ct);

        using var series = new SeriesIdResolver(connection, transaction);
        var scalars = new List<PendingRow<float>>();
        var layers = new List<PendingRow<LayerPoint>>();
        foreach (var batch in batches)
        {
            var runId = DbValues.Key(batch.RunId);
            foreach (var point in batch.Scalars)
                scalars.Add(new(await series.GetOrCreateAsync(runId, SeriesKinds.Scalar, point.Metric, "", ct), point.Step, scalars.Count, point.Value));
            foreach (var point in batch.LayerPoints)
                layers.Add(new(await series.GetOrCreateAsync(runId, SeriesKinds.Layer, point.Metric, point.Role, ct), point.Step, layers.Count, point));
        }

        // Key order: each series' rows become one append, so the b-trees split fewer pages (denser file).
        // Ties keep arrival order (Sequence), so a step sent twice in one flush still ends as the last one / merges in order.
        scalars.Sort(PendingRow<float>.Compare);
        layers.Sort(PendingRow<LayerPoint>.Compare);
        await dialect.WriteScalarsAsync(connection, transaction, LastPerKey(scalars), ct);
        var stored = merge
            ? await dialect.ReadLayersAsync(connection, transaction, DistinctKeys(layers), ct)
            : null;
        await dialect.WriteLayersAsync(connection, transaction, FoldLayers(layers, stored), ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Raises <c>runs.last_step</c> once per run, runs in key order: under PostgreSQL the update takes the run's row
    /// lock, and a fixed order keeps two flushes over the same runs from deadlocking. The update doubles as the
    /// existence check: zero rows means no such run (the FK would also refuse the series, but with a message that
    /// names nothing); the first unknown run in batch order is reported.
    /// </summary>
    private async Task RaiseLastStepsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<MetricBatch> batches, CancellationToken ct)
    {
        var lastSteps = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var batch in batches)
        {
            var key = DbValues.Key(batch.RunId);
            lastSteps[key] = lastSteps.TryGetValue(key, out var step) ? Math.Max(step, batch.LastStep) : batch.LastStep;
        }

        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = $"UPDATE runs SET last_step = {database.Dialect.Greatest}(last_step, @step) WHERE id = @run_id;";
        AddParameter(update, "@step", DbType.Int32);
        AddParameter(update, "@run_id", DbType.String);
        await update.PrepareAsync(ct);
        var missing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (runId, step) in lastSteps)
        {
            update.Parameters[0].Value = step;
            update.Parameters[1].Value = runId;
            if (await update.ExecuteNonQueryAsync(ct) == 0)
                missing.Add(runId);
        }
        if (missing.Count > 0)
            throw new RunNotFoundException(batches.First(b => missing.Contains(DbValues.Key(b.RunId))).RunId);
    }

    /// <summary>Sorted rows, one per key: the last of equal keys wins, as a later INSERT OR REPLACE would.</summary>
    private static List<PointRow<float>> LastPerKey(List<PendingRow<float>> rows)
    {
        var result = new List<PointRow<float>>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            if (i + 1 < rows.Count && SameKey(rows[i], rows[i + 1])) continue;
            result.Add(new(rows[i].SeriesId, rows[i].Step, rows[i].Point));
        }
        return result;
    }

    /// <summary>
    /// Sorted layer rows folded to one per key. Replace mode: the last one. Merge mode: the stored array (if any)
    /// merged with each arrival in order — what writing them one by one, each merging with the row before, stores. A
    /// stored empty array counts as none, and a first arrival with nothing stored is kept as sent (NaN payloads too).
    /// </summary>
    private static List<PointRow<byte[]>> FoldLayers(List<PendingRow<LayerPoint>> rows, Dictionary<(long, int), float[]>? stored)
    {
        var result = new List<PointRow<byte[]>>(rows.Count);
        float[]? current = null;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var first = i == 0 || !SameKey(rows[i - 1], row);
            if (stored is null)
                current = row.Point.Values;
            else if (first)
                current = stored.TryGetValue((row.SeriesId, row.Step), out var old) && old.Length > 0 ? Merge(old, row.Point.Values) : row.Point.Values;
            else
                current = Merge(current!, row.Point.Values);

            if (i + 1 < rows.Count && SameKey(row, rows[i + 1])) continue;
            result.Add(new(row.SeriesId, row.Step, FloatBlob.Encode(current)));
        }
        return result;
    }

    private static List<(long SeriesId, int Step)> DistinctKeys(List<PendingRow<LayerPoint>> rows) =>
        [.. rows.Select(r => (r.SeriesId, r.Step)).Distinct()];

    private static bool SameKey<T>(PendingRow<T> a, PendingRow<T> b) => a.SeriesId == b.SeriesId && a.Step == b.Step;

    private static void AddParameter(DbCommand command, string name, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        command.Parameters.Add(parameter);
    }
}
