using Microsoft.Data.Sqlite;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Data;

/// <summary>
/// The lossless sink of metric series: every point of every batch of a flush in ONE transaction through prepared
/// raw commands (~10x EF's AddRange here), <c>INSERT OR REPLACE</c> so a re-sent step replaces instead of
/// duplicating, and <c>runs.last_step</c> raised to the highest step in the same transaction. Thread-safe: each
/// call uses its own pooled connection; SQLite serialises concurrent flushes (busy waits up to the command timeout).
/// <see cref="WriteMergedAsync"/> is the mode for external runs, whose batches may each carry only some layers of a step.
/// </summary>
public sealed class MetricSeriesWriter(QuantScopeDatabase database)
{
    private const string UpdateLastStepSql =
        "UPDATE runs SET last_step = MAX(last_step, $step) WHERE id = $run_id;";
    private const string InsertScalarSql =
        "INSERT OR REPLACE INTO scalar_points (run_id, metric, step, value) VALUES ($run_id, $metric, $step, $value);";
    private const string SelectLayerSql =
        "SELECT \"values\" FROM layer_points WHERE run_id = $run_id AND metric = $metric AND role = $role AND step = $step;";
    private const string InsertLayerSql =
        "INSERT OR REPLACE INTO layer_points (run_id, metric, role, step, \"values\") VALUES ($run_id, $metric, $role, $step, $values);";

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
        using var updateLastStep = Prepare(connection, transaction, UpdateLastStepSql,
            ("$run_id", SqliteType.Text), ("$step", SqliteType.Integer));
        using var insertScalar = Prepare(connection, transaction, InsertScalarSql,
            ("$run_id", SqliteType.Text), ("$metric", SqliteType.Text), ("$step", SqliteType.Integer), ("$value", SqliteType.Real));
        using var insertLayer = Prepare(connection, transaction, InsertLayerSql,
            ("$run_id", SqliteType.Text), ("$metric", SqliteType.Text), ("$role", SqliteType.Text),
            ("$step", SqliteType.Integer), ("$values", SqliteType.Blob));
        using var selectLayer = merge
            ? Prepare(connection, transaction, SelectLayerSql,
                ("$run_id", SqliteType.Text), ("$metric", SqliteType.Text), ("$role", SqliteType.Text), ("$step", SqliteType.Integer))
            : null;

        foreach (var batch in batches)
        {
            ct.ThrowIfCancellationRequested();
            var runId = DbValues.Key(batch.RunId);
            // The update doubles as the existence check: zero rows means no such run (the FK would also refuse the
            // points, but with a message that names nothing).
            updateLastStep.Parameters[0].Value = runId;
            updateLastStep.Parameters[1].Value = batch.LastStep;
            if (updateLastStep.ExecuteNonQuery() == 0)
                throw new RunNotFoundException(batch.RunId);

            insertScalar.Parameters[0].Value = runId;
            foreach (var point in batch.Scalars)
            {
                insertScalar.Parameters[1].Value = point.Metric;
                insertScalar.Parameters[2].Value = point.Step;
                // SQLite turns a NaN REAL into NULL anyway; bind it explicitly so the rule is visible: NULL = NaN.
                insertScalar.Parameters[3].Value = float.IsNaN(point.Value) ? DBNull.Value : (double)point.Value;
                insertScalar.ExecuteNonQuery();
            }

            insertLayer.Parameters[0].Value = runId;
            foreach (var point in batch.LayerPoints)
            {
                insertLayer.Parameters[1].Value = point.Metric;
                insertLayer.Parameters[2].Value = point.Role;
                insertLayer.Parameters[3].Value = point.Step;
                var values = selectLayer is null ? point.Values : MergeWithStored(selectLayer, runId, point);
                insertLayer.Parameters[4].Value = FloatBlob.Encode(values);
                insertLayer.ExecuteNonQuery();
            }
        }

        await transaction.CommitAsync(ct);
    }

    private static float[] MergeWithStored(SqliteCommand select, string runId, LayerPoint point)
    {
        select.Parameters[0].Value = runId;
        select.Parameters[1].Value = point.Metric;
        select.Parameters[2].Value = point.Role;
        select.Parameters[3].Value = point.Step;
        var stored = select.ExecuteScalar();
        // No row (null), or a zero-length blob read back as NULL (DBNull): nothing to keep.
        return stored is byte[] bytes ? Merge(FloatBlob.Decode(bytes), point.Values) : point.Values;
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
