using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using QuantScope.Engine.Model.Hf;

namespace QuantScope.Engine.Data;

/// <summary>
/// A Hugging Face model's own tokenizer through Microsoft.ML.Tokenizers: <c>tokenizer.json</c> with a byte-level BPE
/// model (GPT-2 style: SmolLM, Llama 3, Qwen), or a SentencePiece <c>tokenizer.model</c> (Llama 2 style). Other
/// tokenizer.json models (WordPiece, Unigram) and non-byte-level BPE are refused by name: for those, use the folder's
/// tokenizer.model.
/// </summary>
public sealed class HfTokenizer : ITextTokenizer
{
    /// <summary>GPT-2's pre-tokenizer split (contractions, letters, digits, other, whitespace), as byte-level BPE uses it.</summary>
    private const string Gpt2Split = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly Tokenizer _tokenizer;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, bool> _endsLine = new();

    private HfTokenizer(Tokenizer tokenizer, string source, int vocabSize)
    {
        _tokenizer = tokenizer;
        Source = source;
        VocabSize = vocabSize;
    }

    /// <summary>One more than the largest id of the vocabulary and the special tokens.</summary>
    public int VocabSize { get; }

    /// <inheritdoc />
    public string Name => Source;

    /// <summary>The file the tokenizer came from.</summary>
    public string Source { get; }

    /// <summary>Loads <c>tokenizer.json</c> or, failing that, <c>tokenizer.model</c> from <paramref name="folder"/>.</summary>
    /// <exception cref="HfModelException">No tokenizer file, or one QuantScope cannot read.</exception>
    public static HfTokenizer Load(string folder)
    {
        var json = Path.Combine(folder, "tokenizer.json");
        if (File.Exists(json)) return FromTokenizerJson(File.ReadAllText(json), json);
        var model = Path.Combine(folder, "tokenizer.model");
        if (File.Exists(model))
        {
            try
            {
                using var stream = File.OpenRead(model);
                var llama = LlamaTokenizer.Create(stream, addBeginOfSentence: false, addEndOfSentence: false);
                return new HfTokenizer(llama, model, MaxId(llama.Vocabulary.Values, llama.SpecialTokens?.Values) + 1);
            }
            catch (Exception ex) when (ex is not HfModelException)
            {
                throw new HfModelException($"{model}: not a SentencePiece model QuantScope can read ({ex.Message})", ex);
            }
        }

        throw new HfModelException($"{folder}: no tokenizer.json or tokenizer.model");
    }

    /// <summary>Builds a byte-level BPE tokenizer from tokenizer.json text.</summary>
    /// <exception cref="HfModelException">Not JSON, not a BPE model, not byte-level, or a malformed vocab or merges list.</exception>
    public static HfTokenizer FromTokenizerJson(string json, string source)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new HfModelException($"{source}: must be a JSON object");
        }
        catch (JsonException ex)
        {
            throw new HfModelException($"{source}: not valid JSON ({ex.Message})", ex);
        }

        if (root["model"] is not JsonObject model) throw new HfModelException($"{source}: no \"model\" object");
        var type = Text(model["type"]);
        if (type != "BPE") throw new HfModelException($"{source}: tokenizer model type '{type}' is not supported (BPE only; try the folder's tokenizer.model)");
        if (!ContainsType(root["pre_tokenizer"], "ByteLevel") && !ContainsType(root["decoder"], "ByteLevel"))
            throw new HfModelException($"{source}: only byte-level BPE is supported (no ByteLevel pre-tokenizer); try the folder's tokenizer.model");
        if (model["vocab"] is not JsonObject vocab) throw new HfModelException($"{source}: model.vocab must be an object of token ids");
        var merges = (model["merges"] as JsonArray ?? throw new HfModelException($"{source}: model.merges must be an array"))
            .Select(m => m switch
            {
                JsonArray pair when pair.Count == 2 => $"{Text(pair[0])} {Text(pair[1])}",
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                _ => throw new HfModelException($"{source}: a merge must be \"a b\" or [\"a\", \"b\"]"),
            }).ToArray();
        var special = (root["added_tokens"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(t => t["content"] is JsonValue && t["id"] is JsonValue)
            .ToDictionary(t => Text(t["content"]), t => t["id"]!.GetValue<int>());
        try
        {
            var options = new BpeOptions(vocab.Select(p => new KeyValuePair<string, int>(p.Key, p.Value!.GetValue<int>())))
            {
                Merges = merges,
                ByteLevel = true,
                SpecialTokens = special.Count > 0 ? special : null,
                PreTokenizer = new RegexPreTokenizer(new Regex(Gpt2Split, RegexOptions.Compiled), special.Count > 0 ? special : null),
            };
            return new HfTokenizer(BpeTokenizer.Create(options), source, MaxId(options.Vocabulary.Select(p => p.Value), special.Values) + 1);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new HfModelException($"{source}: cannot build the BPE tokenizer ({ex.Message})", ex);
        }
    }

    /// <summary>Token ids of <paramref name="text"/> (no BOS/EOS added).</summary>
    public int[] Encode(string text) => _tokenizer.EncodeToIds(text).ToArray();

    /// <summary>Text of <paramref name="tokens"/>.</summary>
    public string Decode(IEnumerable<int> tokens) => _tokenizer.Decode(tokens);

    /// <summary>True when the token decodes to text ending in a newline (decoded once per id, then cached).</summary>
    public bool EndsLine(int token) =>
        _endsLine.GetOrAdd(token, t => Decode([t]).EndsWith('\n'));

    private static int MaxId(IEnumerable<int> vocabulary, IEnumerable<int>? special) =>
        vocabulary.Concat(special ?? []).DefaultIfEmpty(-1).Max();

    private static bool ContainsType(JsonNode? node, string type) => node switch
    {
        JsonObject o => Text(o["type"]) == type || o.Any(p => ContainsType(p.Value, type)),
        JsonArray a => a.Any(n => ContainsType(n, type)),
        _ => false,
    };

    private static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? "null";
}
