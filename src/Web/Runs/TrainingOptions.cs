using QuantScope.Engine.Devices;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using Microsoft.Extensions.Options;

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
    /// Where runs whose config names no <c>device</c> train: <c>auto</c> (default: the first CUDA device when the build
    /// and the machine have one, else the CPU), <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>. A device that is not there
    /// stops the dashboard at start with the reason.
    /// </summary>
    public string Device { get; set; } = "auto";

    /// <summary>
    /// Cores the dashboard gives training, shared by the runs that train at once (each gets an equal share of intra-op
    /// threads, re-applied as runs start and end); null = the machine's cores (the process's affinity and cgroup limit).
    /// </summary>
    public int? Threads { get; set; }

    /// <summary>
    /// Engine runs that train at once; later ones are queued. Null = one per core of <see cref="Threads"/>: a small
    /// model gains little from a second intra-op thread, while a run per core keeps every core busy with no
    /// oversubscription (oversubscribed OpenMP threads wait for each other at every op).
    /// </summary>
    public int? MaxConcurrentRuns { get; set; }

    /// <summary>The cores training shares: <see cref="Threads"/> or the machine's.</summary>
    public int ThreadBudget => Threads ?? Environment.ProcessorCount;

    /// <summary>Runs that train at once: <see cref="MaxConcurrentRuns"/> or one per core of the budget.</summary>
    public int ConcurrentRuns => MaxConcurrentRuns ?? ThreadBudget;

    /// <summary><see cref="Device"/> as a setting (valid once <see cref="Validate"/> passed).</summary>
    public DeviceSetting DefaultDevice => DeviceSetting.TryParse(Device, out var setting) ? setting : DeviceSetting.Auto;

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
        if (Niceness is not (>= 0 and <= 19))
            errors.Add(new($"{Section}:{nameof(Niceness)}", $"must be between 0 and 19 (0 keeps training at the server's priority), was {Niceness}"));
        if (Threads is not (null or (>= 1 and <= 4096)))
            errors.Add(new($"{Section}:{nameof(Threads)}", $"must be between 1 and 4096 cores (or left out: the machine's {Environment.ProcessorCount}), was {Threads}"));
        if (MaxConcurrentRuns is not (null or (>= 1 and <= 4096)))
            errors.Add(new($"{Section}:{nameof(MaxConcurrentRuns)}", $"must be between 1 and 4096 (or left out: one run per core of Training:Threads), was {MaxConcurrentRuns}"));
        if (!DeviceSetting.TryParse(Device, out var device)) errors.Add(new($"{Section}:{nameof(Device)}", $"'{Device}' {DeviceSetting.MustBeOneOf}"));
        else if (ConfigValidator.DeviceError(device) is { } unavailable) errors.Add(new($"{Section}:{nameof(Device)}", unavailable));
        return errors;
    }
}
