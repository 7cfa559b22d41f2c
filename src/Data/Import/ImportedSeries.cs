using QuantScope.Engine.Telemetry;

namespace QuantScope.Data.Import;

/// <summary>
/// What an importer read, held in memory until it is written: scalars by (metric, step), per-layer values by
/// (metric, role, step) across layers (layers numbered in order of first appearance), and what was skipped.
/// A value seen twice for the same key keeps the last one, as a re-sent step does in the store.
/// </summary>
public sealed class ImportedSeries
{
    private readonly Dictionary<(string Metric, int Step), float> _scalars = [];
    private readonly Dictionary<(string Metric, string Role, int Step), List<float>> _layerValues = [];
    private readonly List<string> _layers = [];
    private readonly Dictionary<string, int> _layerIndex = new(StringComparer.Ordinal);
    private readonly List<string> _skipped = [];
    private readonly List<string> _notes = [];

    /// <summary>Layer names (full module names as the file wrote them), in order of first appearance.</summary>
    public IReadOnlyList<string> Layers => _layers;

    /// <summary>One entry per skipped part: <c>line 7: reason</c> or <c>record at offset 120: reason</c>.</summary>
    public IReadOnlyList<string> Skipped => _skipped;

    /// <summary>What the reader assumed and the user should know (e.g. <c>no step column: the row number is the step</c>).</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Scalar points plus per-layer points (one per metric, role and step): the rows the import writes.</summary>
    public int PointCount => _scalars.Count + _layerValues.Count;

    /// <summary>Adds one value of a per-step metric.</summary>
    public void AddScalar(int step, string metric, double value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentException.ThrowIfNullOrWhiteSpace(metric);
        _scalars[(metric, step)] = (float)value;
    }

    /// <summary>Adds one layer's value of a per-layer metric for a tensor role (see <see cref="ImportRoles"/>).</summary>
    public void AddLayer(int step, string metric, string role, string layer, double value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentException.ThrowIfNullOrWhiteSpace(metric);
        ArgumentNullException.ThrowIfNull(role);
        ArgumentException.ThrowIfNullOrWhiteSpace(layer);
        if (!_layerIndex.TryGetValue(layer, out var index))
        {
            index = _layers.Count;
            _layerIndex.Add(layer, index);
            _layers.Add(layer);
        }

        if (!_layerValues.TryGetValue((metric, role, step), out var values))
        {
            values = [];
            _layerValues.Add((metric, role, step), values);
        }
        while (values.Count <= index) values.Add(float.NaN); // layers without a value at this step stay NaN
        values[index] = (float)value;
    }

    /// <summary>Records a part of the input left out: <paramref name="where"/> is <c>line N</c> or <c>record at offset N</c>.</summary>
    public void Skip(string where, string reason) => _skipped.Add($"{where}: {reason}");

    /// <summary>Records an assumption the reader made (once per distinct text).</summary>
    public void Note(string note)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(note);
        if (!_notes.Contains(note)) _notes.Add(note);
    }

    /// <summary>
    /// Adds everything <paramref name="other"/> read, each metric name prefixed with <paramref name="prefix"/> (for a
    /// folder import: <c>validation/</c>), its skipped parts and notes prefixed with <paramref name="source"/>.
    /// </summary>
    public void AddFrom(ImportedSeries other, string prefix, string source)
    {
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(prefix);
        foreach (var ((metric, step), value) in other._scalars) _scalars[(prefix + metric, step)] = value;
        foreach (var ((metric, role, step), values) in other._layerValues)
        {
            for (var i = 0; i < values.Count; i++)
            {
                if (!float.IsNaN(values[i])) AddLayer(step, prefix + metric, role, other._layers[i], values[i]);
            }
        }
        foreach (var skipped in other._skipped) _skipped.Add($"{source}: {skipped}");
        foreach (var note in other._notes) Note($"{source}: {note}");
    }

    /// <summary>The distinct metric names, ordinal order.</summary>
    public IReadOnlyList<string> Metrics() =>
        _scalars.Keys.Select(k => k.Metric).Concat(_layerValues.Keys.Select(k => k.Metric))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// The points as batches of at most <paramref name="maxPoints"/> points each, steps ascending; every per-layer
    /// array holds one value per layer of <see cref="Layers"/> (NaN where the file had none).
    /// </summary>
    public IEnumerable<MetricBatch> ToBatches(Guid runId, int maxPoints)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 1);
        var scalars = _scalars.OrderBy(p => p.Key.Step).ThenBy(p => p.Key.Metric, StringComparer.Ordinal)
            .Select(p => new ScalarPoint(p.Key.Step, p.Key.Metric, p.Value));
        var layerPoints = _layerValues.OrderBy(p => p.Key.Step).ThenBy(p => p.Key.Metric, StringComparer.Ordinal)
            .ThenBy(p => p.Key.Role, StringComparer.Ordinal)
            .Select(p => new LayerPoint(p.Key.Step, p.Key.Metric, p.Key.Role, Padded(p.Value)));
        foreach (var chunk in scalars.Chunk(maxPoints))
            yield return new MetricBatch(runId, chunk, []);
        foreach (var chunk in layerPoints.Chunk(maxPoints))
            yield return new MetricBatch(runId, [], chunk);
    }

    private float[] Padded(List<float> values)
    {
        var array = new float[_layers.Count];
        Array.Fill(array, float.NaN);
        values.CopyTo(array);
        return array;
    }
}
