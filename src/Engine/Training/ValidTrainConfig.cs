namespace QuantScope.Engine.Training;

/// <summary>
/// A <see cref="TrainConfig"/> that passed <see cref="ConfigValidator"/>: only the validator makes one, so whatever
/// takes it (the <see cref="Trainer"/>) need not check again.
/// </summary>
public sealed class ValidTrainConfig
{
    internal ValidTrainConfig(TrainConfig config, TrainConfig resolved, string? baseDirectory)
    {
        Config = config;
        Resolved = resolved;
        BaseDirectory = baseDirectory;
    }

    /// <summary>The config as given: what a run records and shows.</summary>
    public TrainConfig Config { get; }

    /// <summary>
    /// What trains: <see cref="Config"/> with <c>init</c> applied (a Hugging Face folder's model config replaces
    /// <c>model</c>); the same instance when there is no <c>init</c>.
    /// </summary>
    public TrainConfig Resolved { get; }

    /// <summary>Folder the config's relative data, task and init paths were checked against and resolve against (null = working directory).</summary>
    public string? BaseDirectory { get; }

    /// <summary>
    /// The same config with its data and task paths made absolute against <see cref="BaseDirectory"/>, so a stored
    /// config means the same files to a process whose working directory is elsewhere (the dashboard reading a CLI run).
    /// Still valid: every path names the file it named before.
    /// </summary>
    public ValidTrainConfig WithAbsolutePaths()
    {
        var directory = BaseDirectory ?? Directory.GetCurrentDirectory();
        var config = Absolute(Config, directory);
        var resolved = ReferenceEquals(Resolved, Config) ? config : Absolute(Resolved, directory);
        return new ValidTrainConfig(config, resolved, BaseDirectory);
    }

    private static TrainConfig Absolute(TrainConfig config, string directory)
    {
        DataConfig Data(DataConfig data) =>
            data.Path is null ? data : data with { Path = ConfigValidator.Resolve(data.Path, directory) };
        return config with
        {
            Data = Data(config.Data),
            Pretrain = config.Pretrain is { } p ? p with { Data = Data(p.Data) } : null,
            Tasks = (config.Tasks ?? []).Select(t => ConfigValidator.Resolve(t, directory)).ToArray(),
        };
    }
}
