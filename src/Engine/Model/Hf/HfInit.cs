using QuantScope.Engine.Configuration;
using QuantScope.Engine.Data;
using QuantScope.Engine.Training;

namespace QuantScope.Engine.Model.Hf;

/// <summary>Applies a run's <see cref="TrainConfig.Init"/>: the folder's model config replaces the run's, its tokenizer reads the run's text.</summary>
public static class HfInit
{
    /// <summary>The folder of <paramref name="init"/> resolved against <paramref name="baseDirectory"/>.</summary>
    public static string Folder(InitConfig init, string? baseDirectory) => ConfigValidator.Resolve(init.Path!, baseDirectory);

    /// <summary>
    /// Problems with <paramref name="init"/> as (field, message) pairs; empty when the folder is usable and the model
    /// fits the memory of the device the run would train on (<paramref name="device"/>; null = auto).
    /// </summary>
    public static IReadOnlyList<(string Field, string Message)> Check(InitConfig init, string? baseDirectory, Devices.DeviceSetting? device = null)
    {
        if (!Enum.IsDefined(init.Kind)) return [("init.kind", WireNames<InitKind>.MustBeOneOf)];
        if (string.IsNullOrWhiteSpace(init.Path)) return [("init.path", "is required when kind is hf (a local Hugging Face model folder)")];
        var folder = Folder(init, baseDirectory);
        if (!Directory.Exists(folder)) return [("init.path", $"folder '{init.Path}' does not exist")];
        if (!Enum.IsDefined(init.Tokenizer)) return [("init.tokenizer", WireNames<TokenizerMode>.MustBeOneOf)];
        try
        {
            var info = HfModelFolder.Inspect(folder);
            var (where, free) = Devices.DeviceMemory.Available(device ?? Devices.DeviceSetting.Auto);
            var qat = MemoryEstimator.Estimate(info.Config, "qat", twin: true, free);
            if (!qat.Fits) return [("init.path", $"model too large for {where}: {qat.Describe()}")];
            LoadTokenizer(folder, init.Tokenizer, info.Config.VocabSize, $"folder '{init.Path}'");
            return [];
        }
        catch (Exception ex) when (ex is HfModelException or SafeTensors.SafeTensorsException)
        {
            return [("init.path", ex.Message)];
        }
    }

    /// <summary>
    /// The tokenizer a run reads its text with: <see cref="ByteTokenizer"/> without <c>init</c>; with it, as
    /// <see cref="InitConfig.Tokenizer"/> says (the folder's own tokenizer by default).
    /// </summary>
    /// <exception cref="HfModelException">The folder has no tokenizer (and the model is not byte-level), or an unreadable one.</exception>
    public static ITextTokenizer Tokenizer(TrainConfig config, string? baseDirectory) => config.Init is { Kind: InitKind.Hf, Path: not null } init
        ? LoadTokenizer(Folder(init, baseDirectory), init.Tokenizer, config.Model.VocabSize, $"init.path '{init.Path}'")
        : new ByteTokenizer();

    /// <summary>
    /// The tokenizer of <paramref name="folder"/> for <paramref name="mode"/> (<see cref="TokenizerMode"/>):
    /// <c>byte</c> = bytes; <c>auto</c> = the folder's tokenizer file, or bytes when there is none and the model's
    /// vocabulary is exactly 256.
    /// </summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="mode"><see cref="TokenizerMode.Auto"/> or <see cref="TokenizerMode.Byte"/>.</param>
    /// <param name="vocabSize">The model's vocab_size.</param>
    /// <param name="what">How to name the folder in messages (a config field, a CLI option).</param>
    /// <exception cref="HfModelException">No tokenizer file (and vocab_size is not 256), an unreadable one, or an unknown mode.</exception>
    public static ITextTokenizer LoadTokenizer(string folder, TokenizerMode mode, int vocabSize, string what)
    {
        if (mode == TokenizerMode.Byte) return new ByteTokenizer();
        if (mode != TokenizerMode.Auto) throw new HfModelException($"tokenizer '{mode}' is not one of: {string.Join(", ", WireNames<TokenizerMode>.All)}");
        if (HfModelFolder.TokenizerFiles.Any(f => File.Exists(System.IO.Path.Combine(folder, f)))) return HfTokenizer.Load(folder);
        if (vocabSize == ByteTokenizer.VocabSize) return new ByteTokenizer(); // a byte-level model (e.g. an exported QuantScope run)
        throw new HfModelException(
            $"{what} has no tokenizer.json or tokenizer.model, and its vocab_size {vocabSize} is not byte-level (256): copy the model's tokenizer into the folder, or set init.tokenizer to \"byte\" to read text as UTF-8 bytes");
    }

    /// <summary>
    /// <paramref name="config"/> with <c>model</c> replaced by the folder's config when it starts from a Hugging Face
    /// folder; unchanged otherwise (or when the folder cannot be read: validation reports that).
    /// </summary>
    public static TrainConfig Resolve(TrainConfig config, string? baseDirectory)
    {
        if (config.Init is not { Kind: InitKind.Hf, Path: not null } init) return config;
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
