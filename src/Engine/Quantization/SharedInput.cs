using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// One input read by several layers: q/k/v read the same normed hidden state, gate/up another. The module that owns the
/// layers opens <see cref="Read"/> around their calls; each layer given this share (<see cref="QuantLinear.SharedInput"/>)
/// then takes the input's own statistics (<see cref="InputStats"/>: amax, range, shape, what-if) from it instead of
/// computing them again. The input-only values are shared whatever each layer's recipe (they are the same tensor's); the
/// input quantizer's statistics depend on each layer's scale and are shared only between layers whose delayed scaling
/// states share a lineage (<see cref="ScalingLineage"/>: the same recipe and amax sequence, hence the same scale).
/// Disposing forgets them, so no tensor is held past the owner's forward.
/// </summary>
internal sealed class SharedInput : IDisposable
{
    private InputStats? _current;

    /// <summary>Starts sharing the statistics of <paramref name="x"/> (forgetting any earlier tensor's); dispose to stop.</summary>
    public SharedInput Read(Tensor x)
    {
        _current?.Dispose();
        _current = new InputStats(x);
        return this;
    }

    /// <summary>The statistics of <paramref name="x"/> when it is the tensor being read, else null.</summary>
    public InputStats? Of(Tensor x) => _current is { } current && current.Reads(x) ? current : null;

    /// <summary>Forgets the tensor and its statistics.</summary>
    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
    }
}
