using QuantScope.Engine.Quantization;
using static TorchSharp.torch;

namespace QuantScope.Engine.Training;

/// <summary>
/// Device-side float64 buffer of the logged values of up to <c>capacity</c> steps: row = step slot, columns = [loss,
/// baseline loss (0 without a twin), every layer's raw stats (<see cref="RawStatsLayout"/>), the top-channel buffers
/// of the layers that track them, the raw what-if buffers]. Steps write rows without a host sync;
/// <see cref="CopyToHost"/> is the single device->host copy per logging window, and finishes the raw counts and sums
/// into host rows laid out as [loss, baseline loss, layer 0 metrics (roles × metrics), layer 1 ..., top channels
/// ([absmax × k, channel × k] per tracking layer), what-if metrics ([roles, formats × 4] per layer that has them)].
/// </summary>
internal sealed class StatsWindow : IDisposable
{
    private const int LayerOffset = 2;
    private readonly Tensor _buffer;
    private readonly IReadOnlyList<QuantLinear> _layers;
    private readonly int[] _topOffsets;
    private readonly int[] _whatIfOffsets;
    private readonly int _rawWidth;

    public StatsWindow(int capacity, IReadOnlyList<QuantLinear> layers)
    {
        _layers = layers;
        var column = LayerOffset + layers.Count * LayerStatsLayout.Width;
        var raw = LayerOffset + layers.Count * LayerStatsFinalizer.RawWidth;
        _topOffsets = new int[layers.Count];
        for (var l = 0; l < layers.Count; l++)
        {
            _topOffsets[l] = layers[l].Probe.TopChannels is null ? -1 : column;
            column += 2 * layers[l].Probe.TopChannelCount;
            raw += 2 * layers[l].Probe.TopChannelCount;
        }

        _whatIfOffsets = new int[layers.Count];
        for (var l = 0; l < layers.Count; l++)
        {
            var formats = layers[l].Probe.WhatIfFormats.Count;
            _whatIfOffsets[l] = layers[l].Probe.WhatIf is null ? -1 : column;
            column += LayerStatsLayout.Roles.Count * formats * WhatIfStats.Metrics.Count;
            raw += LayerStatsLayout.Roles.Count * formats * WhatIfStats.RawWidth;
        }

        Width = column;
        _rawWidth = raw;
        _buffer = zeros(capacity, _rawWidth, dtype: ScalarType.Float64, device: layers.Count > 0 ? layers[0].Probe.RawStats.device : CPU); // the run's device
    }

    /// <summary>The device buffer of the window's rows (tests check its device).</summary>
    internal Tensor Buffer => _buffer;

    /// <summary>First column of layer <paramref name="layer"/>'s what-if block ([roles, formats × 4] row-major), or -1.</summary>
    public int WhatIfColumn(int layer) => _whatIfOffsets[layer];

    /// <summary>First column of layer <paramref name="layer"/>'s top channels (k absmax values, then k channel indices), or -1.</summary>
    public int TopChannelsColumn(int layer) => _topOffsets[layer];

    /// <summary>k of layer <paramref name="layer"/>'s top channels (0 when it tracks none).</summary>
    public int TopChannelCount(int layer) => _layers[layer].Probe.TopChannels is null ? 0 : _layers[layer].Probe.TopChannelCount;

    /// <summary>Column of the loss.</summary>
    public const int LossColumn = 0;

    /// <summary>Column of the twin's loss.</summary>
    public const int BaselineLossColumn = 1;

    /// <summary>Values per host row (see the class summary).</summary>
    public int Width { get; }

    /// <summary>Column of (layer, role, metric) in a host row.</summary>
    public static int Column(int layer, string role, string metric) =>
        LayerOffset + layer * LayerStatsLayout.Width + LayerStatsLayout.IndexOf(role, metric);

    /// <summary>Writes the step's losses and every layer's latest raw stats into row <paramref name="slot"/> (device-side).</summary>
    public void Record(int slot, Tensor loss, Tensor? baselineLoss)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var layerStats = stack(_layers.Select(l => l.Probe.RawStats)).reshape(-1); // [L, roles, raw] -> [L·roles·raw]
        var twin = baselineLoss is null ? zeros(1, device: loss.device) : baselineLoss.detach().reshape(1);
        var losses = cat([loss.detach().reshape(1), twin]).to(ScalarType.Float64);
        var tops = _layers.Where(l => l.Probe.TopChannels is not null).Select(l => l.Probe.TopChannels!.reshape(-1).to(ScalarType.Float64));
        var whatIf = _layers.Where(l => l.Probe.WhatIf is not null).Select(l => l.Probe.WhatIf!.reshape(-1));
        _buffer[slot].copy_(cat([losses, layerStats, .. tops, .. whatIf])); // [raw width]
    }

    /// <summary>SYNC POINT: copies the first <paramref name="count"/> rows to the host in one transfer and finishes them.</summary>
    public float[][] CopyToHost(int count)
    {
        using var scope = NewDisposeScope();
        var flat = _buffer.narrow(0, 0, count).cpu().contiguous().data<double>().ToArray(); // SYNC POINT: the window's one copy
        var rows = new float[count][];
        for (var i = 0; i < count; i++) rows[i] = Finish(flat.AsSpan(i * _rawWidth, _rawWidth));
        return rows;
    }

    private float[] Finish(ReadOnlySpan<double> raw)
    {
        var row = new float[Width];
        row[LossColumn] = (float)raw[LossColumn];
        row[BaselineLossColumn] = (float)raw[BaselineLossColumn];
        var layerRaw = LayerStatsFinalizer.RawWidth;
        for (var l = 0; l < _layers.Count; l++)
            LayerStatsFinalizer.Finish(raw.Slice(LayerOffset + l * layerRaw, layerRaw), row.AsSpan(LayerOffset + l * LayerStatsLayout.Width, LayerStatsLayout.Width));

        var source = LayerOffset + _layers.Count * layerRaw;
        for (var l = 0; l < _layers.Count; l++)
        {
            if (_topOffsets[l] < 0) continue;
            for (var i = 0; i < 2 * _layers[l].Probe.TopChannelCount; i++) row[_topOffsets[l] + i] = (float)raw[source + i];
            source += 2 * _layers[l].Probe.TopChannelCount;
        }

        for (var l = 0; l < _layers.Count; l++)
        {
            if (_whatIfOffsets[l] < 0) continue;
            var blocks = LayerStatsLayout.Roles.Count * _layers[l].Probe.WhatIfFormats.Count;
            for (var b = 0; b < blocks; b++)
            {
                var metrics = WhatIfStats.Finish(raw.Slice(source + b * WhatIfStats.RawWidth, WhatIfStats.RawWidth));
                for (var m = 0; m < metrics.Length; m++) row[_whatIfOffsets[l] + b * metrics.Length + m] = (float)metrics[m];
            }

            source += blocks * WhatIfStats.RawWidth;
        }

        return row;
    }

    public void Dispose() => _buffer.Dispose();
}
