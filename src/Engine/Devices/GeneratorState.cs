using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Devices;

/// <summary>Restoring a random generator from a resume checkpoint, across device kinds.</summary>
internal static class GeneratorState
{
    /// <summary>
    /// Restores <paramref name="state"/> into <paramref name="generator"/> when it comes from this kind of device. A state
    /// of the other kind (a run checkpointed on CUDA resumed on the CPU, or the other way round: the generators are
    /// different algorithms with states of different sizes) cannot continue the same stream: the generator is reseeded
    /// with <paramref name="reseed"/>, so the resumed run is still deterministic. Returns whether the stream continued.
    /// </summary>
    public static bool Restore(Generator generator, Tensor state, long reseed)
    {
        using var current = generator.get_state();
        if (current.numel() == state.numel())
        {
            generator.set_state(state);
            return true;
        }

        generator.manual_seed(reseed);
        return false;
    }
}
