using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

/// <summary>Drives a delayed-scaling state step by step, as a layer does.</summary>
internal static class ScalingReplay
{
    /// <summary>Feeds one amax per step (ScaleFor, then Update) and returns the scale used at each step.</summary>
    public static float[] ScalesUsed(DelayedScalingState state, float[] amaxPerStep)
    {
        var used = new float[amaxPerStep.Length];
        for (var t = 0; t < amaxPerStep.Length; t++)
        {
            using var amax = tensor(amaxPerStep[t]);
            var (scale, pred) = state.ScaleFor(amax);
            used[t] = TensorAssert.Scalar(scale);
            scale.Dispose();
            pred.Dispose();
            state.Update(amax);
        }

        return used;
    }
}
