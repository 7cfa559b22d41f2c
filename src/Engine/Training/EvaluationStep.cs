using QuantScope.Engine.Evaluation;
using QuantScope.Engine.Model;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Training;

/// <summary>
/// Evaluates the run's model (and the twin's) after a number of main steps: held-out loss on the pretraining data
/// (forgetting), knowledge-probe accuracy and every task's acc / acc_norm, as scalars at that step, and with a twin each task's
/// discordant items (right for only one of the two); when the main phase
/// reads a text file, also the held-out loss and perplexity on that file's held-out part. Everything is tokenized with
/// the run's tokenizer (<see cref="ExperimentData.Tokenizer"/>).
/// </summary>
internal static class EvaluationStep
{
    /// <summary>Held-out windows per evaluation (deterministic, evenly spread).</summary>
    public const int HeldOutWindows = 16;

    /// <summary>The scalars of one evaluation at <paramref name="step"/> (= main steps trained so far).</summary>
    public static IReadOnlyList<ScalarPoint> Run(int step, LlamaForCausalLM model, LlamaForCausalLM? twin, ExperimentData data, int seqLen)
    {
        var points = new List<ScalarPoint>();
        var tasks = ScoredTasks(data, model.Config); // once: the twin scores the same items
        var scores = Add(points, step, model, baseline: false, data, seqLen, tasks);
        if (twin is null) return points;
        var twinScores = Add(points, step, twin, baseline: true, data, seqLen, tasks);
        for (var t = 0; t < scores.Count; t++)
        {
            // The paired comparison: which items flipped, each way (both models score the same items, in the same order).
            var (twinOnly, runOnly) = scores[t].Discordant(twinScores[t]);
            points.Add(new ScalarPoint(step, MetricCatalog.TaskDiscordant(scores[t].Name, twinOnly: true), twinOnly));
            points.Add(new ScalarPoint(step, MetricCatalog.TaskDiscordant(scores[t].Name, twinOnly: false), runOnly));
        }

        return points;
    }

    /// <summary>
    /// The tasks as scored: each item whose every choice fits the model's context with at least one token before it
    /// (contexts are cut from the left); tasks left with no item are dropped.
    /// </summary>
    public static IReadOnlyList<Data.McTask> ScoredTasks(ExperimentData data, ModelConfig model)
    {
        var room = model.ContextLength - 1;
        return data.Tasks.Select(full => full with { Items = full.Items.Where(i => i.Choices.All(c => Fits(data.Tokenizer, room, c))).ToArray() })
            .Where(t => t.Items.Count > 0).ToArray();
    }

    /// <summary>A text fits the context with at least one token before it (<paramref name="room"/> = context length - 1; contexts are cut from the left).</summary>
    private static bool Fits(Data.ITextTokenizer tokenizer, int room, string s) =>
        tokenizer is Data.ByteTokenizer ? System.Text.Encoding.UTF8.GetByteCount(s) <= room : tokenizer.Encode(s).Length <= room;

    /// <summary>Adds one model's scalars to <paramref name="points"/>; returns <paramref name="tasks"/> (<see cref="ScoredTasks"/>) scored item by item, in order.</summary>
    private static IReadOnlyList<ItemResults> Add(List<ScalarPoint> points, int step, LlamaForCausalLM model, bool baseline, ExperimentData data, int seqLen,
        IReadOnlyList<Data.McTask> tasks)
    {
        var loss = Evaluator.HeldOutLoss(model, data.Forgetting.HeldOut, seqLen, HeldOutWindows);
        points.Add(new ScalarPoint(step, baseline ? MetricCatalog.BaselineHeldOutLoss : MetricCatalog.HeldOutLoss, (float)loss));
        if (data.MainIsText && data.Main.HeldOut.Length > seqLen)
        {
            var textLoss = Evaluator.HeldOutLoss(model, data.Main.HeldOut, seqLen, HeldOutWindows); // nats per token
            points.Add(new ScalarPoint(step, baseline ? MetricCatalog.BaselineTextLoss : MetricCatalog.TextLoss, (float)textLoss));
            points.Add(new ScalarPoint(step, baseline ? MetricCatalog.BaselinePerplexity : MetricCatalog.Perplexity, (float)Math.Exp(textLoss)));
        }

        var tokenizer = data.Tokenizer;
        var probes = data.Probes.Where(p => Fits(tokenizer, model.Config.ContextLength - 1, p.Answer)).ToArray();
        if (probes.Length > 0)
        {
            var probe = Evaluator.ProbeAccuracy(model, probes, tokenizer);
            points.Add(new ScalarPoint(step, baseline ? MetricCatalog.BaselineProbeAccuracy : MetricCatalog.ProbeAccuracy, (float)probe));
        }

        var results = new List<ItemResults>();
        foreach (var task in tasks)
        {
            var items = Evaluator.ScoreItems(model, task, tokenizer);
            var score = items.ToScore();
            points.Add(new ScalarPoint(step, MetricCatalog.TaskAccuracy(task.Name, baseline), (float)score.Acc));
            points.Add(new ScalarPoint(step, MetricCatalog.TaskAccuracy(task.Name, baseline, normalised: true), (float)score.AccNorm));
            results.Add(items);
        }

        return results;
    }
}
