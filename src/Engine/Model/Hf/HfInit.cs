using QuantScope.Engine.Training;

namespace QuantScope.Engine.Model.Hf;

/// <summary>Applies a run's <see cref="TrainConfig.Init"/>: the folder's model config replaces the run's.</summary>
public static class HfInit
{
    /// <summary>The folder of <paramref name="init"/> resolved against <paramref name="baseDirectory"/>.</summary>
    public static string Folder(InitConfig init, string? baseDirectory) => TrainConfigValidator.Resolve(init.Path!, baseDirectory);

    /// <summary>Problems with <paramref name="init"/> as (field, message) pairs; empty when the folder is usable.</summary>
    public static IReadOnlyList<(string Field, string Message)> Check(InitConfig init, string? baseDirectory)
    {
        if (!InitConfig.Kinds.Contains(init.Kind)) return [("init.kind", $"must be one of: {string.Join(", ", InitConfig.Kinds)}")];
        if (string.IsNullOrWhiteSpace(init.Path)) return [("init.path", "is required when kind is hf (a local Hugging Face model folder)")];
        var folder = Folder(init, baseDirectory);
        if (!Directory.Exists(folder)) return [("init.path", $"folder '{init.Path}' does not exist")];
        try
        {
            var info = HfModelFolder.Inspect(folder);
            var qat = MemoryEstimator.Estimate(info.Config, "qat", twin: true);
            return qat.Fits ? [] : [("init.path", $"model too large for this machine: {qat.Describe()}")];
        }
        catch (Exception ex) when (ex is HfModelException or SafeTensors.SafeTensorsException)
        {
            return [("init.path", ex.Message)];
        }
    }

    /// <summary>
    /// <paramref name="config"/> with <c>model</c> replaced by the folder's config when it starts from a Hugging Face
    /// folder; unchanged otherwise (or when the folder cannot be read: validation reports that).
    /// </summary>
    public static TrainConfig Resolve(TrainConfig config, string? baseDirectory)
    {
        if (config.Init is not { Kind: InitConfig.Hf, Path: not null } init) return config;
        var path = System.IO.Path.Combine(Folder(init, baseDirectory), HfConfigReader.FileName);
        try
        {
            return config with { Model = HfConfigReader.Read(path) };
        }
        catch (HfModelException)
        {
            return config;
        }
    }
}
