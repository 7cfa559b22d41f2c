using System.Text.Json.Nodes;

namespace QuantScope.Web.Tests.Cli;

/// <summary>
/// A tiny GPT-2-style byte-level BPE tokenizer.json (the 256 byte symbols as ids 0..255, merges "t h" -> 256,
/// "th e" -> 257, "Ġ the" -> 258), written here: no downloads.
/// </summary>
internal static class HfTokenizerFixture
{
    /// <summary>Writes tokenizer.json into <paramref name="folder"/> and returns the folder.</summary>
    public static string WriteInto(string folder)
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range('¡', '¬' - '¡' + 1)).Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToHashSet();
        var vocab = new JsonObject();
        var next = 256;
        for (var b = 0; b < 256; b++) vocab[((char)(printable.Contains(b) ? b : next++)).ToString()] = b;
        vocab["th"] = 256;
        vocab["the"] = 257;
        vocab["Ġthe"] = 258;
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel" },
            ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = new JsonArray("t h", "th e", "Ġ the") },
        };
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), root.ToJsonString());
        return folder;
    }
}
