using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Model;

/// <summary>
/// Dropout whose masks come from its own generator, not torch's global one: two models built with the same seed
/// (a quantized run and its BF16 twin stepping in lockstep) draw identical masks, and concurrent runs in one process
/// do not disturb each other.
/// </summary>
public sealed class SeededDropout : IDisposable
{
    private readonly Generator _generator;
    private readonly int _seed;

    /// <summary>Creates the dropout with drop probability <paramref name="p"/> in [0, 1), its generator on <paramref name="device"/> (null = CPU).</summary>
    public SeededDropout(double p, int seed, Device? device = null)
    {
        if (!(p is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout must be in [0, 1).");
        P = p;
        _seed = seed;
        _generator = new Generator((ulong)seed, device ?? CPU); // masks are drawn where the activations live
    }

    /// <summary>Drop probability.</summary>
    public double P { get; }

    /// <summary>x with each element zeroed with probability P and the rest scaled by 1/(1-P) (inverted dropout).</summary>
    public Tensor Apply(Tensor x)
    {
        if (P == 0) return x.alias();
        using var uniform = rand(x.shape, device: x.device, generator: _generator);
        using var p = P.ToScalar(); // held Scalars (see Numerics/ScalarOps)
        using var kept = (1 - P).ToScalar();
        using var keep = uniform.ge(p);
        using var mask = keep.to(x.dtype).div_(kept);
        return x.mul(mask);
    }

    /// <summary>A copy of the generator's state (uint8 CPU tensor), for resume checkpoints.</summary>
    public Tensor GetState() => _generator.get_state();

    /// <summary>Restores a state taken by <see cref="GetState"/>: the next masks are the ones that would have followed.</summary>
    public void SetState(Tensor state) => _generator.set_state(state);

    /// <summary>
    /// Restores <paramref name="state"/> when it comes from this kind of device. A state of the other kind (a run
    /// checkpointed on CUDA resumed on the CPU, or the other way round: the generators are different algorithms with
    /// states of different sizes) cannot continue the same stream: the generator is reseeded from the seed and
    /// <paramref name="step"/>, so the resumed run is still deterministic. Returns whether the stream continued.
    /// </summary>
    public bool Restore(Tensor state, int step) => Devices.GeneratorState.Restore(_generator, state, unchecked((long)_seed * 1_000_003L + step));

    /// <inheritdoc />
    public void Dispose() => _generator.Dispose();
}
