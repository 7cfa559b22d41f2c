using System.CommandLine;
using System.Text;
using System.Text.Json;
using QuantScope.Engine.Configuration;
using QuantScope.Engine.Evaluation;
using QuantScope.Engine.Model.Hf;
using QuantScope.Engine.Model.SafeTensors;
using QuantScope.Engine.Quantization;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Cli;

/// <summary>
/// <c>hf eval --path DIR --text FILE [--seq-len N] [--max-windows N] [--tokenizer auto|byte] [--json]</c>: perplexity of a
/// Hugging Face model folder on a text file with the folder's own tokenizer, without training. The whole file is
/// scored in non-overlapping windows (<see cref="TextPerplexity"/>). Exit codes: 0 done, 2 bad input.
/// </summary>
public static class HfEvalCommand
{
    /// <summary>Default predicted tokens per window (capped at the model's context length): long enough for context, short enough for a CPU.</summary>
    public const int DefaultSeqLen = 512;

    /// <summary>Builds the <c>eval</c> sub-verb bound to the given streams.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var path = new Option<string>("--path") { Description = "The model folder (config.json, *.safetensors, tokenizer).", Required = true };
        var text = new Option<string>("--text") { Description = "UTF-8 text file to score.", Required = true };
        var seqLen = new Option<int?>("--seq-len") { Description = $"Predicted tokens per window (default min({DefaultSeqLen}, context length))." };
        var windows = new Option<int>("--max-windows") { Description = "At most this many windows, spread evenly (default 0 = all)." };
        var tokenizer = new Option<string>("--tokenizer") { Description = "auto (the folder's tokenizer, default) or byte.", DefaultValueFactory = _ => WireNames<TokenizerMode>.Of(TokenizerMode.Auto) };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object." };
        var eval = new Command("eval", "Perplexity of a model folder on a text file, with its own tokenizer (no training).") { path, text, seqLen, windows, tokenizer, json };
        eval.SetAction(parsed => Run(parsed.GetValue(path)!, parsed.GetValue(text)!, parsed.GetValue(seqLen), parsed.GetValue(windows),
            parsed.GetValue(tokenizer)!, parsed.GetValue(json), stdout, stderr));
        return eval;
    }

    /// <summary>The verb's work; returns the exit code.</summary>
    public static int Run(string path, string textFile, int? seqLen, int maxWindows, string tokenizerMode, bool json, TextWriter stdout, TextWriter stderr)
    {
        if (!File.Exists(textFile)) return Fail(stderr, $"--text: file '{textFile}' does not exist.");
        if (maxWindows < 0) return Fail(stderr, "--max-windows: must be 0 (all) or a positive number.");
        if (!WireNames<TokenizerMode>.TryParse(tokenizerMode, out var mode)) return Fail(stderr, $"--tokenizer: {WireNames<TokenizerMode>.MustBeOneOf}.");
        try
        {
            var config = HfModelFolder.ReadConfig(path); // the weights load only to evaluate, in the engine
            var context = config.ContextLength;
            var n = seqLen ?? Math.Min(DefaultSeqLen, context);
            if (n < 1 || n > context) return Fail(stderr, $"--seq-len: must be between 1 and the model's context length {context}.");
            var tokenizer = HfInit.LoadTokenizer(Path.GetFullPath(path), mode, config.VocabSize, $"--path '{path}'");
            var result = TextPerplexity.Evaluate(path, tokenizer, File.ReadAllText(textFile, Encoding.UTF8), n, maxWindows);
            if (json)
            {
                stdout.WriteLine(JsonSerializer.Serialize(new
                {
                    path = Path.GetFullPath(path), text = Path.GetFullPath(textFile), result.Tokenizer, seqLen = n, result.Tokens, result.Windows,
                    result.ScoredTokens, result.Loss, result.Perplexity,
                }, JsonDefaults.Options));
                return 0;
            }

            stdout.WriteLine($"model       {Path.GetFullPath(path)}");
            stdout.WriteLine($"text        {Path.GetFullPath(textFile)}: {result.Tokens:N0} tokens ({result.Tokenizer})");
            stdout.WriteLine($"scored      {result.Windows:N0} windows x {n} = {result.ScoredTokens:N0} tokens");
            stdout.WriteLine($"loss        {result.Loss:F4} nats/token");
            stdout.WriteLine($"perplexity  {result.Perplexity:F3}");
            return 0;
        }
        catch (Exception ex) when (ex is HfModelException or SafeTensorsException or InvalidDataException)
        {
            return Fail(stderr, ex.Message);
        }
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine(message);
        return QuantScopeCli.UsageError;
    }
}
