using QuantScope.Engine.Data;
using QuantScope.Engine.Model;
using static TorchSharp.torch;

namespace QuantScope.Engine.Evaluation;

/// <summary>
/// Held-out loss, knowledge-probe accuracy and multiple-choice scoring of a <see cref="LlamaForCausalLM"/>. Every
/// method runs in eval mode under <c>no_grad</c>, restores the model's previous mode, and frees each batch's tensors
/// in its own dispose scope; results come back as managed numbers (one device-to-host copy per batch).
/// </summary>
public static class Evaluator
{
    /// <summary>Windows (or probes) per forward pass: bounds activation memory, amortises per-call overhead.</summary>
    private const int RowsPerBatch = 16;

    /// <summary>The default tokenizer (the built-in models'): one token per UTF-8 byte.</summary>
    private static readonly ByteTokenizer Bytes = new();

    /// <summary>
    /// Mean next-token cross-entropy, nats per token, over up to <paramref name="maxWindows"/> non-overlapping windows
    /// of <paramref name="seqLen"/> + 1 tokens spread evenly over <paramref name="tokens"/> (see <see cref="WindowStarts"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seqLen"/> is not in 1..context length, or <paramref name="maxWindows"/> &lt; 1.</exception>
    /// <exception cref="ArgumentException">The stream is shorter than one window.</exception>
    public static double HeldOutLoss(LlamaForCausalLM model, int[] tokens, int seqLen, int maxWindows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seqLen, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(seqLen, model.Config.ContextLength);
        var window = seqLen + 1;
        var starts = WindowStarts(tokens.Length, window, maxWindows);
        double lossSum = 0; // nats, summed over every scored token
        using var mode = new EvalModeScope(model);
        for (var first = 0; first < starts.Count; first += RowsPerBatch)
        {
            using var scope = NewDisposeScope();
            var rows = starts.Skip(first).Take(RowsPerBatch).Select(s => tokens[s..(s + window)]).ToArray();
            var (inputs, targets) = TokenBatch.Shifted(rows, model.Device); // [n, seqLen] each
            var logits = model.forward(inputs); // [n, seqLen, V]
            var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), targets.reshape(-1), reduction: nn.Reduction.Sum);
            lossSum += loss.item<float>(); // sync point: one scalar to the host per batch
        }

        return lossSum / ((double)starts.Count * seqLen);
    }

    /// <summary>
    /// Start offsets of min(<paramref name="maxWindows"/>, length / window) non-overlapping windows spread evenly from the
    /// stream's start to its end (first at 0, last ending at the stream's end when more than one). Deterministic.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxWindows"/> or <paramref name="window"/> &lt; 1.</exception>
    /// <exception cref="ArgumentException">The stream is shorter than one window.</exception>
    public static IReadOnlyList<int> WindowStarts(int streamLength, int window, int maxWindows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWindows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        if (streamLength < window) throw new ArgumentException($"Stream of {streamLength} tokens is shorter than one window of {window}.", nameof(streamLength));
        var count = Math.Min(maxWindows, streamLength / window);
        if (count == 1) return [0];
        // Spacing (length - window) / (count - 1) >= window because count * window <= length: no overlap after flooring.
        var span = (long)(streamLength - window);
        return Enumerable.Range(0, count).Select(k => (int)(k * span / (count - 1))).ToArray();
    }

    /// <summary>
    /// Teacher-forced knowledge recall: each probe's prompt + answer is fed once, and the fraction (0..1) of answer
    /// bytes that the argmax of the previous position predicts, over all answer bytes of all probes. Sequences longer
    /// than context length + 1 lose bytes from the left (prompt first; an over-long answer keeps its last bytes).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="probes">The probes.</param>
    /// <param name="tokenizer">How prompts and answers become tokens; null = byte-level (then "bytes" above are tokens).</param>
    /// <exception cref="ArgumentException">No probes, or an empty prompt or answer.</exception>
    /// <exception cref="InvalidDataException">A token id is outside the model's vocabulary.</exception>
    public static double ProbeAccuracy(LlamaForCausalLM model, IReadOnlyList<KnowledgeProbe> probes, ITextTokenizer? tokenizer = null)
    {
        if (probes.Count == 0) throw new ArgumentException("No probes to score.", nameof(probes));
        var encoded = probes.Select(p => Encode(tokenizer ?? Bytes, model, p.Prompt, p.Answer, nameof(probes))).ToArray();
        long correct = 0, total = 0;
        using var mode = new EvalModeScope(model);
        for (var first = 0; first < encoded.Length; first += RowsPerBatch)
        {
            using var scope = NewDisposeScope();
            var rows = encoded.Skip(first).Take(RowsPerBatch).ToArray();
            var (inputs, _) = TokenBatch.Shifted(rows.Select(r => r.Tokens).ToArray(), model.Device); // [n, T]
            var predicted = model.forward(inputs).argmax(-1).cpu().data<long>().ToArray(); // [n, T] flattened; sync point
            var width = (int)inputs.shape[1];
            for (var row = 0; row < rows.Length; row++)
            {
                var (seq, answerStart, _) = rows[row];
                for (var j = answerStart; j < seq.Length; j++) // position j - 1 predicts byte j
                {
                    if (predicted[row * width + j - 1] == seq[j]) correct++;
                    total++;
                }
            }
        }

        return (double)correct / total;
    }

    /// <summary>
    /// lm-evaluation-harness multiple-choice scoring: <c>acc</c> picks the choice with the highest log-likelihood,
    /// <c>acc_norm</c> the highest log-likelihood per UTF-8 byte of the choice (lm-eval divides by the choice's
    /// character count; for the byte tokenizer on ASCII text bytes and characters coincide; a choice cut to the context
    /// is divided by the bytes scored, pro rata of its tokens for other tokenizers). Ties go to the first choice.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="task">The task.</param>
    /// <param name="tokenizer">How contexts and choices become tokens; null = byte-level.</param>
    /// <exception cref="ArgumentException">The task has no items, an item's gold is out of range, or an item is invalid (see <see cref="LogLikelihoods"/>).</exception>
    /// <exception cref="InvalidDataException">A token id is outside the model's vocabulary.</exception>
    public static TaskScore Score(LlamaForCausalLM model, McTask task, ITextTokenizer? tokenizer = null) =>
        ScoreItems(model, task, tokenizer).ToScore();

    /// <summary>
    /// <see cref="Score"/> item by item: whether <c>acc</c> and <c>acc_norm</c> picked each item's gold, in the task's
    /// item order (what a paired comparison of two models on the same items needs).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="task">The task.</param>
    /// <param name="tokenizer">How contexts and choices become tokens; null = byte-level.</param>
    /// <exception cref="ArgumentException">The task has no items, an item's gold is out of range, or an item is invalid (see <see cref="LogLikelihoods"/>).</exception>
    /// <exception cref="InvalidDataException">A token id is outside the model's vocabulary.</exception>
    public static ItemResults ScoreItems(LlamaForCausalLM model, McTask task, ITextTokenizer? tokenizer = null)
    {
        if (task.Items.Count == 0) throw new ArgumentException($"Task {task.Name} has no items.", nameof(task));
        foreach (var item in task.Items)
            if (item.Gold < 0 || item.Gold >= item.Choices.Count)
                throw new ArgumentException($"Task {task.Name}: gold {item.Gold} is out of range for {item.Choices.Count} choices.", nameof(task));
        var correct = new bool[task.Items.Count];
        var correctNorm = new bool[task.Items.Count];
        using var mode = new EvalModeScope(model);
        // Several items' choices share one forward pass (about RowsPerBatch * 4 rows): one pass per item cost ~4x more.
        var perPass = Math.Max(1, RowsPerBatch * 4 / Math.Max(1, task.Items.Max(i => i.Choices.Count)));
        for (var first = 0; first < task.Items.Count; first += perPass)
        {
            var items = task.Items.Skip(first).Take(perPass).ToArray();
            var scored = ChoiceLogLikelihoods(model, items, tokenizer ?? Bytes);
            for (var k = 0; k < items.Length; k++)
            {
                var (logLik, scoredBytes) = scored[k];
                var perByte = logLik.Select((ll, i) => ll / scoredBytes[i]).ToArray();
                correct[first + k] = FirstArgMax(logLik) == items[k].Gold;
                correctNorm[first + k] = FirstArgMax(perByte) == items[k].Gold;
            }
        }

        return new ItemResults(task.Name, correct, correctNorm);
    }

    /// <summary>
    /// Log-likelihood (nats) of each choice given the item's context: the sum of log-softmax at the choice's token
    /// positions. All choices of the item go through one right-padded batch; the context is cut from the left so
    /// context + choice fits context length + 1 tokens (a choice longer than the context length is scored on its last
    /// context-length bytes only).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="item">The item.</param>
    /// <param name="tokenizer">How the context and choices become tokens; null = byte-level.</param>
    /// <exception cref="ArgumentException">Empty context or choice, or no choices.</exception>
    /// <exception cref="InvalidDataException">A token id is outside the model's vocabulary.</exception>
    public static double[] LogLikelihoods(LlamaForCausalLM model, McItem item, ITextTokenizer? tokenizer = null)
    {
        using var mode = new EvalModeScope(model);
        return ChoiceLogLikelihoods(model, [item], tokenizer ?? Bytes)[0].LogLik;
    }

    /// <summary>
    /// Per item, per choice: log-likelihood (nats) and the UTF-8 bytes it covers (all of the choice's bytes unless it was
    /// cut; then its bytes x scored tokens / its tokens, which is exactly the scored bytes for the byte tokenizer). Every
    /// choice of every item goes through one right-padded batch (causal: padding never changes a real position's logits).
    /// </summary>
    private static (double[] LogLik, double[] ScoredBytes)[] ChoiceLogLikelihoods(LlamaForCausalLM model, IReadOnlyList<McItem> items, ITextTokenizer tokenizer)
    {
        if (items.Any(i => i.Choices.Count == 0)) throw new ArgumentException("An item has no choices.", nameof(items));
        var rows = items.SelectMany(item => item.Choices.Select(c => Encode(tokenizer, model, item.Context, c, nameof(items)))).ToArray();
        using var scope = NewDisposeScope();
        var (inputs, targets) = TokenBatch.Shifted(rows.Select(r => r.Tokens).ToArray(), model.Device); // [rows, T]
        var logProbs = nn.functional.log_softmax(model.forward(inputs), -1); // [rows, T, V]
        var width = (int)inputs.shape[1];
        var picked = logProbs.gather(-1, targets.unsqueeze(-1)).squeeze(-1).cpu().data<float>().ToArray(); // [rows, T]; sync point
        var result = new (double[], double[])[items.Count];
        var row = 0;
        for (var k = 0; k < items.Count; k++)
        {
            var choices = items[k].Choices;
            var logLik = new double[choices.Count];
            var scoredBytes = new double[choices.Count];
            for (var c = 0; c < choices.Count; c++, row++)
            {
                var (seq, choiceStart, choiceLength) = rows[row];
                for (var j = choiceStart; j < seq.Length; j++) logLik[c] += picked[row * width + j - 1]; // position j - 1 predicts token j
                scoredBytes[c] = System.Text.Encoding.UTF8.GetByteCount(choices[c]) * (double)(seq.Length - choiceStart) / choiceLength;
            }

            result[k] = (logLik, scoredBytes);
        }

        return result;
    }

    /// <summary>
    /// prefix + continuation as tokens (each encoded on its own, as lm-eval does) cut from the left to at most context + 1
    /// tokens, the index where the scored continuation starts: at least 1, so a continuation longer than the context
    /// length keeps only its last context-length tokens (lm-eval's slicing would misalign there; we score what fits
    /// instead of failing a run), and the continuation's full token count.
    /// </summary>
    private static (int[] Tokens, int ContinuationStart, int ContinuationLength) Encode(ITextTokenizer tokenizer, LlamaForCausalLM model, string prefix, string continuation, string parameter)
    {
        var head = tokenizer.Encode(prefix);
        var tail = tokenizer.Encode(continuation);
        if (head.Length == 0 || tail.Length == 0) throw new ArgumentException("Contexts, prompts, choices and answers must not be empty.", parameter);
        int[] all = [.. head, .. tail];
        TokenIds.RequireBelow(all, model.Config.VocabSize, $"'{prefix}{continuation}'", tokenizer.Name);
        var tokens = TokenBatch.KeepLast(all, model.Config.ContextLength + 1);
        return (tokens, Math.Max(1, tokens.Length - tail.Length), tail.Length);
    }

    private static int FirstArgMax(IReadOnlyList<double> values)
    {
        var best = 0;
        for (var i = 1; i < values.Count; i++) if (values[i] > values[best]) best = i; // strict: ties keep the first
        return best;
    }
}
