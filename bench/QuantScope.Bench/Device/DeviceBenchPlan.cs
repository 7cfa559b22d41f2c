using QuantScope.Engine.Devices;

namespace QuantScope.Bench.Device;

/// <summary>What <c>--device</c> measures: the device, interleaved rounds, and each model's batch and windows.</summary>
/// <param name="Device">Where every trainer runs (<c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>).</param>
/// <param name="Rounds">Interleaved rounds; each builds a fresh trainer per (model, variant).</param>
/// <param name="Models">The models, in order.</param>
public sealed record DeviceBenchPlan(DeviceSetting Device, int Rounds, IReadOnlyList<DeviceBenchModel> Models)
{
    /// <summary>Model presets the bench knows, in order.</summary>
    public static IReadOnlyList<string> ModelNames { get; } = ["demo", "small", "base"];

    /// <summary>
    /// The plan for <paramref name="device"/>, limited to <paramref name="models"/> (null = all). A GPU gets batches
    /// that fill it (base: 8 x 1024 tokens) and 3 timed windows, 2 rounds; the CPU gets the experiment bench's batch
    /// (16 x 64) for demo and small and 2 x 128 for base (seconds per step even so), one timed window, one round.
    /// </summary>
    /// <exception cref="ArgumentException">A model name the bench does not know.</exception>
    public static DeviceBenchPlan For(DeviceSetting device, IReadOnlyList<string>? models = null)
    {
        var unknown = models?.FirstOrDefault(m => !ModelNames.Contains(m));
        if (unknown is not null) throw new ArgumentException($"--models: unknown model '{unknown}'; use {string.Join(", ", ModelNames)}", nameof(models));
        var gpu = device.Kind == DeviceKind.Cuda;
        IReadOnlyList<DeviceBenchModel> all = gpu
            ? [new("demo", 32, 128, 3), new("small", 32, 256, 3), new("base", 8, 1024, 3)]
            : [new("demo", 16, 64, 1), new("small", 16, 64, 1),
               new("base", 2, 128, 1, "CPU: batch 2 x 128 and 10 timed steps per variant, a base step takes seconds here")];
        return new DeviceBenchPlan(device, gpu ? 2 : 1, all.Where(m => models is null || models.Contains(m.Model)).ToList());
    }
}
