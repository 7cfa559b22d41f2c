namespace QuantScope.Data.Import;

/// <summary>The names of the log formats the importers read (the <c>--format</c> and <c>?format=</c> values).</summary>
public static class ImportFormats
{
    /// <summary>Sniff the format from the file's first bytes (see <see cref="ImportSniffer"/>).</summary>
    public const string Auto = "auto";
    /// <summary>Comma (or ; tab |) separated values with a header row holding a step column.</summary>
    public const string Csv = "csv";
    /// <summary>One JSON object a line, with a step property.</summary>
    public const string Jsonl = "jsonl";
    /// <summary>Free-form training logs with <c>step=N</c> and <c>name=value</c> pairs (also OLMo's indented blocks).</summary>
    public const string Kv = "kv";
    /// <summary>Megatron-LM console logs: <c>iteration N/ M | name: value | ...</c>.</summary>
    public const string Megatron = "megatron";
    /// <summary>Transformer Engine debug statistics (nvdlfw_inspect) logs.</summary>
    public const string NvInspect = "nvinspect";
    /// <summary>TensorBoard event files (TFRecord framing, Event protobufs).</summary>
    public const string TfEvents = "tfevents";

    /// <summary>Every concrete format (not <see cref="Auto"/>).</summary>
    public static readonly IReadOnlyList<string> Concrete = [Csv, Jsonl, Kv, Megatron, NvInspect, TfEvents];

    /// <summary>True for <see cref="Auto"/> or a concrete format name (lower case, as listed).</summary>
    public static bool IsKnown(string format) => format == Auto || Concrete.Contains(format);
}
