using QuantScope.Engine.Data;
using QuantScope.Engine.Model.Hf;

namespace QuantScope.Engine.Training;

/// <summary>
/// The token streams and evaluation sets of one experiment, built once from its config: the main phase's train and
/// held-out tokens, the pretraining stream, the held-out pretraining tokens forgetting is measured on, the built-in
/// world's knowledge probes and tasks (when the built-in world is in play) and the user's JSONL tasks, all read with the
/// run's tokenizer (bytes, or the <c>init</c> folder's own: <see cref="HfInit.Tokenizer"/>).
/// </summary>
internal sealed class ExperimentData
{
    /// <summary>Characters generated per built-in part (about 0.5 MB of bytes: plenty for the small model's runs).</summary>
    public const int BuiltinChars = 400_000;
    public const double HeldOutFraction = 0.1;
    public const int ProbeCount = 48;

    private ExperimentData(ITextTokenizer tokenizer, TextDataset main, TextDataset? pretrain, TextDataset forgetting, IReadOnlyList<KnowledgeProbe> probes, IReadOnlyList<McTask> tasks)
    {
        Tokenizer = tokenizer;
        Main = main;
        Pretrain = pretrain;
        Forgetting = forgetting;
        Probes = probes;
        Tasks = tasks;
    }

    /// <summary>How every text of the run becomes tokens.</summary>
    public ITextTokenizer Tokenizer { get; }

    /// <summary>The main phase's text.</summary>
    public TextDataset Main { get; }

    /// <summary>True when the main phase reads a user's text file: its held-out part is then scored as perplexity.</summary>
    public bool MainIsText { get; private init; }

    /// <summary>The pretraining text, or null without a pretraining phase.</summary>
    public TextDataset? Pretrain { get; }

    /// <summary>Held-out part of this is the forgetting set: the pretraining data, or the built-in knowledge part without pretraining.</summary>
    public TextDataset Forgetting { get; }

    /// <summary>Knowledge probes (built-in world), possibly empty.</summary>
    public IReadOnlyList<KnowledgeProbe> Probes { get; }

    /// <summary>Multiple-choice tasks: the built-in world's three, then the config's JSONL files.</summary>
    public IReadOnlyList<McTask> Tasks { get; }

    /// <summary>Builds everything; paths resolve against <paramref name="baseDirectory"/>.</summary>
    /// <exception cref="HfModelException">The init folder's tokenizer cannot be had (see <see cref="HfInit.Tokenizer"/>).</exception>
    /// <exception cref="InvalidDataException">A text is too short, or a token id is outside the model's vocabulary.</exception>
    public static ExperimentData Load(TrainConfig config, string? baseDirectory)
    {
        var tokenizer = HfInit.Tokenizer(config, baseDirectory);
        var world = new Lazy<SyntheticWorld>(() => SyntheticWorld.Create(config.Seed));
        TextDataset Read(DataConfig data)
        {
            var (set, source) = data.Kind switch
            {
                DataKind.Builtin => (TextDataset.FromText(world.Value.NewDomainPart(BuiltinChars), HeldOutFraction, tokenizer), "The built-in text"),
                DataKind.BuiltinPretrain => (TextDataset.FromText(world.Value.KnowledgePart(BuiltinChars), HeldOutFraction, tokenizer), "The built-in text"),
                _ => (TextDataset.Load(ConfigValidator.Resolve(data.Path!, baseDirectory), HeldOutFraction, tokenizer), $"Text file {data.Path}"),
            };
            TokenIds.RequireBelow(set.Train, config.Model.VocabSize, source, tokenizer.Name);
            TokenIds.RequireBelow(set.HeldOut, config.Model.VocabSize, source, tokenizer.Name);
            return set;
        }

        var main = Read(config.Data);
        var pretrain = config.Pretrain is { } p ? Read(p.Data) : null;
        var forgetting = pretrain ?? (config.Data.Kind == DataKind.BuiltinPretrain ? main : Read(new DataConfig { Kind = DataKind.BuiltinPretrain }));
        var builtin = config.Data.Kind != DataKind.Text || config.Pretrain?.Data.Kind is DataKind.Builtin or DataKind.BuiltinPretrain;
        var probes = builtin ? world.Value.Probes(ProbeCount) : [];
        var tasks = (builtin ? world.Value.Tasks() : [])
            .Concat(config.Tasks.Select(t => McTaskReader.Read(ConfigValidator.Resolve(t, baseDirectory))))
            .ToArray();
        return new ExperimentData(tokenizer, main, pretrain, forgetting, probes, tasks) { MainIsText = config.Data.Kind == DataKind.Text };
    }
}
