using QuantScope.Engine.Quantization;
using static TorchSharp.torch;

namespace QuantScope.Engine.Training;

/// <summary>
/// Device-side buffer of the logged values of up to <c>capacity</c> steps: row = step slot,
/// columns = [loss, baseline loss (0 without a twin), layer 0 stats (roles × metrics), layer 1 stats, ..., then the
/// top-channel buffers ([absmax × k, channel × k]) of the layers that track them]. Steps write rows without a host sync;
/// <see cref="CopyToHost"/> is the single device->host copy per logging window.
/// </summary>
internal sealed class StatsWindow : IDisposable
{
    private readonly Tensor _buffer;
    private readonly IReadOnlyList<QuantLinear> _layers;

    public StatsWindow(int capacity, IReadOnlyList<QuantLinear> layers)
    {
        _layers = layers;
        var column = LayerOffset + layers.Count * LayerStatsLayout.Width;
        _topOffsets = new int[layers.Count];
        for (var l = 0; l < layers.Count; l++)
        {
            _topOffsets[l] = layers[l].TopChannels is null ? -1 : column;
            column += 2 * layers[l].TopChannelCount;
        }

        _whatIfOffsets = new int[layers.Count];
        for (var l = 0; l < layers.Count; l++)
        {
            _whatIfOffsets[l] = layers[l].WhatIf is null ? -1 : column;
            column += (int)(layers[l].WhatIf?.numel() ?? 0);
        }

        Width = column;
        _buffer = zeros(capacity, Width, dtype: ScalarType.Float32);
    }

    private readonly int[] _topOffsets;
    private readonly int[] _whatIfOffsets;

    /// <summary>First column of layer <paramref name="layer"/>'s what-if block ([roles, formats × 4] row-major), or -1.</summary>
    public int WhatIfColumn(int layer) => _whatIfOffsets[layer];

    /// <summary>First column of layer <paramref name="layer"/>'s top channels (k absmax values, then k channel indices), or -1.</summary>
    public int TopChannelsColumn(int layer) => _topOffsets[layer];

    /// <summary>k of layer <paramref name="layer"/>'s top channels (0 when it tracks none).</summary>
    public int TopChannelCount(int layer) => _layers[layer].TopChannels is null ? 0 : _layers[layer].TopChannelCount;

    /// <summary>Column of the loss.</summary>
    public const int LossColumn = 0;

    /// <summary>Column of the twin's loss.</summary>
    public const int BaselineLossColumn = 1;

    private const int LayerOffset = 2;

    /// <summary>Values per row: 2 (losses) + layers × roles × metrics.</summary>
    public int Width { get; }

    /// <summary>Column of (layer, role, metric) in a row.</summary>
    public static int Column(int layer, string role, string metric) =>
        LayerOffset + layer * LayerStatsLayout.Width + LayerStatsLayout.IndexOf(role, metric);

    /// <summary>Writes the step's losses and every layer's latest stats into row <paramref name="slot"/> (device-side).</summary>
    public void Record(int slot, Tensor loss, Tensor? baselineLoss)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var layerStats = stack(_layers.Select(l => l.Stats)).reshape(-1); // [L, roles, metrics] -> [L·roles·metrics]
        var twin = baselineLoss is null ? zeros(1) : baselineLoss.detach().reshape(1).to(ScalarType.Float32);
        var tops = _layers.Where(l => l.TopChannels is not null).Select(l => l.TopChannels!.reshape(-1));
        var whatIf = _layers.Where(l => l.WhatIf is not null).Select(l => l.WhatIf!.reshape(-1));
        var row = cat([loss.detach().reshape(1).to(ScalarType.Float32), twin, layerStats, .. tops, .. whatIf]); // [Width]
        _buffer[slot].copy_(row);
    }

    /// <summary>SYNC POINT: copies the first <paramref name="count"/> rows to the host in one transfer.</summary>
    public float[][] CopyToHost(int count)
    {
        using var scope = NewDisposeScope();
        var flat = _buffer.narrow(0, 0, count).cpu().contiguous().data<float>().ToArray();
        var rows = new float[count][];
        for (var i = 0; i < count; i++) rows[i] = flat.AsSpan(i * Width, Width).ToArray();
        return rows;
    }

    public void Dispose() => _buffer.Dispose();
}
