using System.Text.Json.Nodes;
using QuantScope.Engine.Data;
using QuantScope.Engine.Model.Hf;

namespace QuantScope.Engine.Tests.Data;

public class HfTokenizerTests
{
    /// <summary>
    /// A tiny GPT-2-style tokenizer.json written here (no downloads): the 256 byte symbols, three merges
    /// ("t h" -> "th", "th e" -> "the", "Ġ the" -> "Ġthe") and one special token.
    /// </summary>
    internal static string TinyTokenizerJson()
    {
        var vocab = new JsonObject();
        var symbols = ByteSymbols();
        for (var b = 0; b < 256; b++) vocab[symbols[b].ToString()] = b;
        vocab["th"] = 256;
        vocab["the"] = 257;
        vocab["Ġthe"] = 258;
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(new JsonObject { ["id"] = 259, ["content"] = "<|endoftext|>", ["special"] = true }),
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel" },
            ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = new JsonArray("t h", "th e", "Ġ the") },
        };
        return root.ToJsonString();
    }

    /// <summary>GPT-2's byte -> printable character table.</summary>
    private static char[] ByteSymbols()
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range('¡', '¬' - '¡' + 1)).Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToHashSet();
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++) table[b] = printable.Contains(b) ? (char)b : (char)next++;
        return table;
    }

    [Fact]
    public void Encode_TinyByteLevelBpe_AppliesMergesAndRoundTrips()
    {
        var tokenizer = HfTokenizer.FromTokenizerJson(TinyTokenizerJson(), "tokenizer.json");
        var ids = tokenizer.Encode("the cat, the end");
        Assert.Equal(257, ids[0]); // "the"
        Assert.Contains(258, ids); // "Ġthe"
        Assert.Equal("the cat, the end".Length - 2 - 3, ids.Length); // "the" -> 1 token, " the" -> 1 token
        Assert.Equal("the cat, the end", tokenizer.Decode(ids));
        Assert.Equal("naïve ☃", tokenizer.Decode(tokenizer.Encode("naïve ☃"))); // multi-byte characters as byte tokens
    }

    [Fact]
    public void Load_FolderWithTokenizerJson_FindsIt()
    {
        var folder = Directory.CreateTempSubdirectory("qs-tok-").FullName;
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), TinyTokenizerJson());
        Assert.EndsWith("tokenizer.json", HfTokenizer.Load(folder).Source);
    }

    [Fact]
    public void FromTokenizerJson_WordPiece_RefusesByName()
    {
        var json = TinyTokenizerJson().Replace("\"type\":\"BPE\"", "\"type\":\"WordPiece\"");
        Assert.Contains("'WordPiece' is not supported", Assert.Throws<HfModelException>(() => HfTokenizer.FromTokenizerJson(json, "t")).Message);
    }

    [Fact]
    public void Load_EmptyFolder_NamesTheFiles() =>
        Assert.Contains("no tokenizer.json or tokenizer.model", Assert.Throws<HfModelException>(() => HfTokenizer.Load(Directory.CreateTempSubdirectory("qs-tok-").FullName)).Message);
}
