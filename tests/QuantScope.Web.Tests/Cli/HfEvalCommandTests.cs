using QuantScope.Web.Cli;
using QuantScope.Web.Tests.Api;

namespace QuantScope.Web.Tests.Cli;

/// <summary><c>hf eval</c> on a tiny folder the test writes: BF16 zero weights (every logit 0, so the loss is ln V) and a tiny tokenizer.</summary>
public sealed class HfEvalCommandTests
{
    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => CliRun.RunAsync(args);

    private static string TextFile(string folder)
    {
        var path = Path.Combine(folder, "eval.txt");
        File.WriteAllText(path, string.Concat(Enumerable.Repeat("the quick fox and the lazy dog\n", 30)));
        return path;
    }

    [Fact]
    public async Task Eval_JsonOnZeroModel_PrintsLossLnVAndPerplexityV()
    {
        var folder = HfTokenizerFixture.WriteInto(ModelFolderFixture.Write());

        var (code, output, error) = await Run("hf", "eval", "--path", folder, "--text", TextFile(folder), "--seq-len", "16", "--json");

        Assert.True(code == 0, error);
        var result = JsonDocument.Parse(output).RootElement;
        var vocab = ModelFolderFixture.Config.VocabSize;
        Assert.Equal(Math.Log(vocab), result.GetProperty("loss").GetDouble(), 4);
        Assert.Equal(vocab, result.GetProperty("perplexity").GetDouble(), 1);
        Assert.EndsWith("tokenizer.json", result.GetProperty("tokenizer").GetString());
        var tokens = result.GetProperty("tokens").GetInt32();
        Assert.True(tokens < 30 * 31, "BPE merges make fewer tokens than bytes");
        Assert.Equal(tokens / 17, result.GetProperty("windows").GetInt32());
    }

    [Fact]
    public async Task Eval_Table_PrintsLossAndPerplexity()
    {
        var folder = HfTokenizerFixture.WriteInto(ModelFolderFixture.Write());
        var (code, output, error) = await Run("hf", "eval", "--path", folder, "--text", TextFile(folder), "--max-windows", "2");
        Assert.True(code == 0, error);
        Assert.Contains("nats/token", output);
        Assert.Contains("perplexity  300.0", output);
    }

    [Fact]
    public async Task Eval_FolderWithoutTokenizer_ExitsTwoNamingPathAndByteOption()
    {
        var folder = ModelFolderFixture.Write(); // vocab 300: not byte-level
        var (code, _, error) = await Run("hf", "eval", "--path", folder, "--text", TextFile(folder));
        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Contains("--path", error);
        Assert.Contains("no tokenizer.json or tokenizer.model", error);
    }

    [Fact]
    public async Task Eval_TokenizerByteExplicit_ScoresBytes()
    {
        var folder = ModelFolderFixture.Write();
        var (code, output, error) = await Run("hf", "eval", "--path", folder, "--text", TextFile(folder), "--tokenizer", "byte", "--json");
        Assert.True(code == 0, error);
        var result = JsonDocument.Parse(output).RootElement;
        Assert.Equal(30 * 31, result.GetProperty("tokens").GetInt32());
        Assert.Equal("byte-level", result.GetProperty("tokenizer").GetString());
    }

    [Fact]
    public async Task Eval_MissingTextFile_ExitsTwoNamingText()
    {
        var (code, _, error) = await Run("hf", "eval", "--path", ModelFolderFixture.Write(), "--text", "/no/such/file.txt");
        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Contains("--text", error);
    }
}
