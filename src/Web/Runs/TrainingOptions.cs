using QuantScope.Engine.Telemetry;
using Microsoft.Extensions.Options;
using QuantScope.Engine.Devices;

namespace QuantScope.Web.Runs;

/// <summary>Settings of engine training threads, bound from appsettings section <c>Training</c>.</summary>
public sealed class TrainingOptions
{
    /// <summary>The appsettings section.</summary>
    public const string Section = "Training";

    /// <summary>
    /// How far below the server's own threads a training thread runs, as a Linux nice increment (0-19; 0 = same
    /// priority). Training takes every core it can get; at a lower priority it still gets all the CPU nobody else
    /// needs, but ingest, the hub and the pages are served first. libtorch's worker threads inherit it. On Windows
    /// and macOS any value above 0 means "below normal" thread priority.
    /// </summary>
    public int Niceness { get; set; } = 10;

    /// <summary>
    /// The device of runs whose config names none: <c>auto</c> (the first CUDA device when the build and the machine
    /// have one, else the CPU), <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>. See README, "Train on a GPU".
    /// </summary>
    public string Device { get; set; } = "auto";

    /// <summary><see cref="Device"/> read (<c>auto</c> when it does not parse; <see cref="Validate"/> reports that).</summary>
    public DeviceSetting ReadDevice() => DeviceSetting.TryParse(Device, out var setting) ? setting : DeviceSetting.Auto;

    /// <summary>The settings in <paramref name="configuration"/>'s <c>Training</c> section; throws naming the key when invalid.</summary>
    /// <exception cref="OptionsValidationException">A value out of range.</exception>
    public static TrainingOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<TrainingOptions>() ?? new TrainingOptions();
        var errors = options.Validate();
        if (errors.Count > 0) throw new OptionsValidationException(Section, typeof(TrainingOptions), errors.Select(e => e.ToString()));
        return options;
    }

    /// <summary>What is wrong with these settings, one message per key (empty when valid).</summary>
    public IReadOnlyList<ConfigError> Validate()
    {
        var errors = new List<ConfigError>();
        if (Niceness is < 0 or > 19)
            errors.Add(new($"{Section}:{nameof(Niceness)}", $"must be between 0 and 19 (0 keeps training at the server's priority), was {Niceness}"));
        if (!DeviceSetting.TryParse(Device, out _))
            errors.Add(new($"{Section}:{nameof(Device)}", $"{DeviceSetting.MustBeOneOf}, was '{Device}'"));
        return errors;
    }
}
