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
        var scores = Add(points, step, model, baseline: false, data, seqLen);
        if (twin is null) return points;
        var twinScores = Add(points, step, twin, baseline: true, data, seqLen);
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
        var tokenizer = data.Tokenizer;
        bool Fits(string s) => tokenizer is Data.ByteTokenizer ? System.Text.Encoding.UTF8.GetByteCount(s) <= room : tokenizer.Encode(s).Length <= room;
        return data.Tasks.Select(full => full with { Items = full.Items.Where(i => i.Choices.All(Fits)).ToArray() })
            .Where(t => t.Items.Count > 0).ToArray();
    }

    /// <summary>Adds one model's scalars to <paramref name="points"/>; returns its tasks scored item by item, in <see cref="ScoredTasks"/> order.</summary>
    private static IReadOnlyList<ItemResults> Add(List<ScalarPoint> points, int step, LlamaForCausalLM model, bool baseline, ExperimentData data, int seqLen)
    {
        var loss = Evaluator.HeldOutLoss(model, data.Forgetting.HeldOut, seqLen, HeldOutWindows);
        points.Add(new ScalarPoint(step, baseline ? MetricCatalog.BaselineHeldOutLoss : MetricCatalog.HeldOutLoss, (float)loss));
        if (data.MainIsText && data.Main.HeldOut.Length > seqLen)
        {
            var textLoss = Evaluator.HeldOutLoss(model, data.Main.HeldOut, seqLen, HeldOutWindows); // nats per token
            points.Add(new ScalarPoint(step, baseline ? MetricCatalog.BaselineTextLoss : MetricCatalog.TextLoss, (float)textLoss));
            points.Add(new ScalarPoint(step, baseline ? MetricCatalog.BaselinePerplexity : MetricCatalog.Perplexity, (float)Math.Exp(textLoss)));
        }

        // A continuation must fit the context with at least one token before it; contexts are cut from the left.
        var room = model.Config.ContextLength - 1;
        var tokenizer = data.Tokenizer;
        bool Fits(string s) => tokenizer is Data.ByteTokenizer ? System.Text.Encoding.UTF8.GetByteCount(s) <= room : tokenizer.Encode(s).Length <= room;
        var probes = data.Probes.Where(p => Fits(p.Answer)).ToArray();
        if (probes.Length > 0)
        {
            var probe = Evaluator.ProbeAccuracy(model, probes, tokenizer);
            points.Add(new ScalarPoint(step, baseline ? MetricCatalog.BaselineProbeAccuracy : MetricCatalog.ProbeAccuracy, (float)probe));
        }

        var results = new List<ItemResults>();
        foreach (var task in ScoredTasks(data, model.Config))
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
