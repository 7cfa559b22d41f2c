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

    /// <summary>Creates the dropout with drop probability <paramref name="p"/> in [0, 1).</summary>
    public SeededDropout(double p, int seed)
    {
        if (!(p is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout must be in [0, 1).");
        P = p;
        _generator = new Generator((ulong)seed, CPU);
    }

    /// <summary>Drop probability.</summary>
    public double P { get; }

    /// <summary>x with each element zeroed with probability P and the rest scaled by 1/(1-P) (inverted dropout).</summary>
    public Tensor Apply(Tensor x)
    {
        if (P == 0) return x.alias();
        using var uniform = rand(x.shape, generator: _generator);
        using var p = P.ToScalar(); // held Scalars (see Numerics/ScalarOps)
        using var kept = (1 - P).ToScalar();
        using var keep = uniform.ge(p);
        using var mask = keep.to(x.dtype).to(x.device).div_(kept);
        return x.mul(mask);
    }

    /// <summary>A copy of the generator's state (uint8 CPU tensor), for resume checkpoints.</summary>
    public Tensor GetState() => _generator.get_state();

    /// <summary>Restores a state taken by <see cref="GetState"/>: the next masks are the ones that would have followed.</summary>
    public void SetState(Tensor state) => _generator.set_state(state);

    /// <inheritdoc />
    public void Dispose() => _generator.Dispose();
}
