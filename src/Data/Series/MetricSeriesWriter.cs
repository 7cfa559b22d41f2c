using Microsoft.Data.Sqlite;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Data;

/// <summary>
/// The lossless sink of metric series: every point of every batch of a flush in ONE transaction through prepared
/// raw commands (~10x EF's AddRange here), <c>INSERT OR REPLACE</c> so a re-sent step replaces instead of
/// duplicating, and <c>runs.last_step</c> raised to the highest step in the same transaction. A series is named once
/// in <c>series</c> (created on first write); point rows carry its integer id. Thread-safe: each
/// call uses its own pooled connection; SQLite serialises concurrent flushes (busy waits up to the command timeout).
/// <see cref="WriteMergedAsync"/> is the mode for external runs, whose batches may each carry only some layers of a step.
/// </summary>
public sealed class MetricSeriesWriter(QuantScopeDatabase database)
{
    private const string UpdateLastStepSql =
        "UPDATE runs SET last_step = MAX(last_step, $step) WHERE id = $run_id;";
    private const string InsertScalarSql =
        "INSERT OR REPLACE INTO scalar_points (series_id, step, value) VALUES ($series_id, $step, $value);";
    private const string SelectLayerSql =
        "SELECT \"values\" FROM layer_points WHERE series_id = $series_id AND step = $step;";
    private const string InsertLayerSql =
        "INSERT OR REPLACE INTO layer_points (series_id, step, \"values\") VALUES ($series_id, $step, $values);";

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

        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = connection.BeginTransaction(); // BEGIN IMMEDIATE: takes the write lock up front
        using var series = new SeriesIdResolver(connection, transaction);
        using var updateLastStep = Prepare(connection, transaction, UpdateLastStepSql,
            ("$run_id", SqliteType.Text), ("$step", SqliteType.Integer));
        var scalars = new List<PendingRow<float>>();
        var layers = new List<PendingRow<LayerPoint>>();
        foreach (var batch in batches)
        {
            ct.ThrowIfCancellationRequested();
            var runId = DbValues.Key(batch.RunId);
            // The update doubles as the existence check: zero rows means no such run (the FK would also refuse the
            // series, but with a message that names nothing).
            updateLastStep.Parameters[0].Value = runId;
            updateLastStep.Parameters[1].Value = batch.LastStep;
            if (updateLastStep.ExecuteNonQuery() == 0)
                throw new RunNotFoundException(batch.RunId);

            foreach (var point in batch.Scalars)
                scalars.Add(new(series.GetOrCreate(runId, SeriesKinds.Scalar, point.Metric, ""), point.Step, scalars.Count, point.Value));
            foreach (var point in batch.LayerPoints)
                layers.Add(new(series.GetOrCreate(runId, SeriesKinds.Layer, point.Metric, point.Role), point.Step, layers.Count, point));
        }

        // Key order: each series' rows become one append, so the WITHOUT ROWID b-trees split fewer pages (denser file).
        // Ties keep arrival order (Sequence), so a step sent twice in one flush still ends as the last one / merges in order.
        scalars.Sort(PendingRow<float>.Compare);
        layers.Sort(PendingRow<LayerPoint>.Compare);
        WriteScalars(connection, transaction, scalars, ct);
        WriteLayers(connection, transaction, layers, merge, ct);
        await transaction.CommitAsync(ct);
    }

    private static void WriteScalars(
        SqliteConnection connection, SqliteTransaction transaction, List<PendingRow<float>> rows, CancellationToken ct)
    {
        using var insert = Prepare(connection, transaction, InsertScalarSql,
            ("$series_id", SqliteType.Integer), ("$step", SqliteType.Integer), ("$value", SqliteType.Real));
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            insert.Parameters[0].Value = row.SeriesId;
            insert.Parameters[1].Value = row.Step;
            // SQLite turns a NaN REAL into NULL anyway; bind it explicitly so the rule is visible: NULL = NaN.
            insert.Parameters[2].Value = float.IsNaN(row.Point) ? DBNull.Value : (double)row.Point;
            insert.ExecuteNonQuery();
        }
    }

    private static void WriteLayers(
        SqliteConnection connection, SqliteTransaction transaction, List<PendingRow<LayerPoint>> rows, bool merge, CancellationToken ct)
    {
        using var insert = Prepare(connection, transaction, InsertLayerSql,
            ("$series_id", SqliteType.Integer), ("$step", SqliteType.Integer), ("$values", SqliteType.Blob));
        using var select = merge
            ? Prepare(connection, transaction, SelectLayerSql, ("$series_id", SqliteType.Integer), ("$step", SqliteType.Integer))
            : null;
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            insert.Parameters[0].Value = row.SeriesId;
            insert.Parameters[1].Value = row.Step;
            var values = select is null ? row.Point.Values : MergeWithStored(select, row);
            insert.Parameters[2].Value = FloatBlob.Encode(values);
            insert.ExecuteNonQuery();
        }
    }

    private static float[] MergeWithStored(SqliteCommand select, PendingRow<LayerPoint> row)
    {
        select.Parameters[0].Value = row.SeriesId;
        select.Parameters[1].Value = row.Step;
        var stored = select.ExecuteScalar();
        // No row (null), or a zero-length blob read back as NULL (DBNull): nothing to keep.
        return stored is byte[] bytes ? Merge(FloatBlob.Decode(bytes), row.Point.Values) : row.Point.Values;
    }

    private static SqliteCommand Prepare(
        SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, SqliteType Type)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, type) in parameters)
            command.Parameters.Add(name, type);
        command.Prepare();
        return command;
    }
}
