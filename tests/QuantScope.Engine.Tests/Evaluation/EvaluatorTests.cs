using System.Text;
using QuantScope.Engine.Data;
using QuantScope.Engine.Evaluation;
using QuantScope.Engine.Tests.Data;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Evaluation;

public class EvaluatorTests
{
    private const string Rhyme = "the cat sat on the mat. the dog ran to the log. ";

    /// <summary>A tiny model trained briefly on <see cref="Rhyme"/>, so argmax and log-likelihoods are far from uniform.</summary>
    private static readonly Lazy<LlamaForCausalLM> Trained = new(TrainOnRhyme);

    private static LlamaForCausalLM Fresh() => new(ModelConfig.Tiny, QuantPlan.HighPrecision, seed: 1);

    private static LlamaForCausalLM TrainOnRhyme()
    {
        var model = Fresh();
        model.train();
        var sampler = new BatchSampler(new ByteTokenizer().Encode(string.Concat(Enumerable.Repeat(Rhyme, 10))), 5);
        using var optimizer = optim.AdamW(model.parameters(), lr: 1e-2);
        for (var step = 0; step < 40; step++)
        {
            using var scope = NewDisposeScope();
            var batch = sampler.Next(8, 32); // [8, 33]
            var logits = model.forward(batch.narrow(1, 0, 32));
            var loss = nn.functional.cross_entropy(logits.reshape(-1, 256), batch.narrow(1, 1, 32).reshape(-1));
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }

        return model;
    }

    private static int[] Bytes(string text) => Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToArray();

    /// <summary>log_softmax of the model over <paramref name="seq"/>[:-1] fed alone as [1, T]: [T, V] on the host.</summary>
    private static float[][] ManualLogProbs(LlamaForCausalLM model, int[] seq)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        model.eval();
        var input = tensor(seq[..^1].Select(t => (long)t).ToArray(), [1, seq.Length - 1], dtype: ScalarType.Int64);
        var lp = nn.functional.log_softmax(model.forward(input), -1)[0]; // [T, V]
        return Enumerable.Range(0, seq.Length - 1).Select(t => lp[t].data<float>().ToArray()).ToArray();
    }

    /// <summary>Sum of log-probs of <paramref name="choice"/>'s bytes after <paramref name="context"/>, both cut to 33 tokens from the left.</summary>
    private static double ManualLogLik(LlamaForCausalLM model, string context, string choice)
    {
        var all = Bytes(context + choice);
        var seq = all.Length > 33 ? all[^33..] : all;
        var lp = ManualLogProbs(model, seq);
        var start = Math.Max(1, seq.Length - Bytes(choice).Length); // a choice over 32 bytes keeps its last 32
        return Enumerable.Range(start, seq.Length - start).Sum(j => (double)lp[j - 1][seq[j]]);
    }

    private static double ManualMeanCrossEntropy(LlamaForCausalLM model, int[] stream, IEnumerable<int> starts, int window)
    {
        var rows = starts.Select(s => stream[s..(s + window)]).ToArray();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        model.eval();
        var batch = tensor(rows.SelectMany(r => r).Select(t => (long)t).ToArray(), [rows.Length, window], dtype: ScalarType.Int64);
        var logits = model.forward(batch.narrow(1, 0, window - 1));
        return nn.functional.cross_entropy(logits.reshape(-1, 256), batch.narrow(1, 1, window - 1).reshape(-1)).item<float>();
    }

    private static int[] RandomStream(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => random.Next(256)).ToArray();
    }

    [Theory]
    [InlineData(100, 10, 4, new[] { 0, 30, 60, 90 })]
    [InlineData(1000, 17, 3, new[] { 0, 491, 983 })]
    [InlineData(25, 10, 5, new[] { 0, 15 })]
    [InlineData(10, 10, 3, new[] { 0 })]
    [InlineData(40, 10, 4, new[] { 0, 10, 20, 30 })]
    public void WindowStarts_Stream_EvenlySpacedNonOverlapping(int length, int window, int maxWindows, int[] expected) =>
        Assert.Equal(expected, Evaluator.WindowStarts(length, window, maxWindows));

    [Fact]
    public void WindowStarts_StreamShorterThanWindow_Throws() =>
        Assert.Throws<ArgumentException>(() => Evaluator.WindowStarts(9, 10, 1));

    [Fact]
    public void HeldOutLoss_StreamOfExactlyTwentyWindows_EqualsManualCrossEntropyOverAllOfThem()
    {
        using var model = Fresh();
        var stream = RandomStream(20 * 17, 3); // 20 windows > one batch of 16
        var expected = ManualMeanCrossEntropy(model, stream, Enumerable.Range(0, 20).Select(k => 17 * k), 17);
        Assert.Equal(expected, Evaluator.HeldOutLoss(model, stream, 16, 100), 4);
        Assert.InRange(expected, 5.3, 5.8); // fresh init: about ln(256) = 5.55 nats
    }

    [Fact]
    public void HeldOutLoss_MoreWindowsFitThanAllowed_UsesTheEvenlySpacedOnes()
    {
        var model = Trained.Value;
        var stream = new ByteTokenizer().Encode(string.Concat(Enumerable.Repeat(Rhyme, 21)))[..1000];
        var expected = ManualMeanCrossEntropy(model, stream, [0, 491, 983], 17);
        Assert.Equal(expected, Evaluator.HeldOutLoss(model, stream, 16, 3), 4);
        Assert.True(expected < 3.0, $"trained on the rhyme, loss {expected}"); // well below uniform 5.55
    }

    [Fact]
    public void Evaluations_AnyMode_RestoreTheModeAndLeaveNoTensors()
    {
        using var model = Fresh();
        var stream = RandomStream(200, 4);
        var task = new McTask("t", [new McItem("ab", [" c", " dd"], 0)]);
        using var outer = NewDisposeScope(); // anything created and not disposed inside the evaluator would land here
        foreach (var training in new[] { true, false })
        {
            model.train(training);
            Evaluator.HeldOutLoss(model, stream, 16, 4);
            Evaluator.ProbeAccuracy(model, [new KnowledgeProbe("ab", "cd")]);
            Evaluator.Score(model, task);
            Assert.Equal(training, model.training);
            Assert.Equal(0, outer.DisposablesCount);
        }
    }

    [Fact]
    public void ProbeAccuracy_TrainedModel_EqualsManualArgmaxCountOverAnswerBytes()
    {
        var model = Trained.Value;
        KnowledgeProbe[] probes =
        [
            new("the cat sat on the ", "mat"),
            new("the dog ran to the ", "log. the"),
            new("on the mat. the dog ", "ran"),
            new("the cat sat on the mat. the dog ran to the log. the cat sat ", "on the"), // 60 bytes: cut from the left
            new("zz ", "qq"),
        ];
        long correct = 0, total = 0;
        foreach (var probe in probes)
        {
            var all = Bytes(probe.Prompt + probe.Answer);
            var seq = all.Length > 33 ? all[^33..] : all;
            var lp = ManualLogProbs(model, seq);
            for (var j = seq.Length - Bytes(probe.Answer).Length; j < seq.Length; j++, total++)
                if (Array.IndexOf(lp[j - 1], lp[j - 1].Max()) == seq[j]) correct++;
        }

        var accuracy = Evaluator.ProbeAccuracy(model, probes);
        Assert.Equal(22, total);
        Assert.Equal((double)correct / total, accuracy, 12);
        Assert.InRange(correct, 11, 20); // most of the rhyme is learned (18 of 22 here); "qq" after "zz " is not
    }

    [Fact]
    public void LogLikelihoods_BatchedChoices_EqualManualOneChoiceAtATime()
    {
        using var model = Fresh();
        var items = SyntheticWorld.Create(3).Tasks(2).SelectMany(t => t.Items).ToArray(); // contexts longer than 32: cut
        foreach (var item in items)
        {
            var batched = Evaluator.LogLikelihoods(model, item);
            var manual = item.Choices.Select(c => ManualLogLik(model, item.Context, c)).ToArray();
            Assert.Equal(manual, batched, (a, b) => Math.Abs(a - b) < 1e-3);
        }
    }

    [Fact]
    public void LogLikelihoods_ChoiceLongerThanContext_ScoresItsLast32Bytes()
    {
        using var model = Fresh();
        var longChoice = " " + string.Concat(Enumerable.Repeat("abcdefghij", 4)); // 41 bytes > context 32
        var ll = Evaluator.LogLikelihoods(model, new McItem("ctx", [" a", longChoice], 0));
        Assert.Equal(ManualLogLik(model, "ctx", longChoice), ll[1], 3);
        Assert.InRange(ll[1] / 32, -6.0, -5.0); // 32 scored bytes at about -ln(256) each, not 41
    }

    [Fact]
    public void Score_GoldRiggedToManualArgmaxOrArgmin_AccIsOneOrZero()
    {
        var model = Trained.Value;
        var items = SyntheticWorld.Create(3).Tasks(3)[0].Items;
        var best = new List<McItem>();
        var worst = new List<McItem>();
        foreach (var item in items)
        {
            var ll = item.Choices.Select(c => ManualLogLik(model, item.Context, c)).ToList();
            best.Add(item with { Gold = ll.IndexOf(ll.Max()) });
            worst.Add(item with { Gold = ll.IndexOf(ll.Min()) });
        }

        var top = Evaluator.Score(model, new McTask("best", best));
        Assert.Equal(("best", 1.0, 3), (top.Name, top.Acc, top.Items));
        Assert.Equal(0.0, Evaluator.Score(model, new McTask("worst", worst)).Acc);
    }

    // The disagreement can only go this way: if a longer choice had the higher (negative) total, it would also have the
    // higher total per byte, because dividing a larger negative total by more bytes moves it further towards zero.
    [Fact]
    public void Score_ShortChoiceWinsInTotalLongChoiceWinsPerByte_AccAndAccNormDisagree()
    {
        var model = Trained.Value;
        const string context = "the cat sat on the";
        const string longChoice = " mat. the dog ran"; // learned: high per byte, low in total over 17 bytes
        var shorts = Enumerable.Range('a', 26).Select(c => " " + (char)c).ToArray();
        var longLl = ManualLogLik(model, context, longChoice);
        // A one-letter choice that beats the long one in total but not per byte (found by computing log-likelihoods first).
        var shortChoice = shorts.First(s => ManualLogLik(model, context, s) is var ll && ll > longLl && ll / 2 < longLl / 17);
        var task = new McTask("norm", [new McItem(context, [shortChoice, longChoice], 1), new McItem(context, [shortChoice, longChoice], 0)]);
        var score = Evaluator.Score(model, task);
        Assert.Equal(0.5, score.Acc); // acc picks the short choice: right only on item 2
        Assert.Equal(0.5, score.AccNorm); // acc_norm picks the long one: right only on item 1
        var perItem = Evaluator.Score(model, task with { Items = [task.Items[0]] });
        Assert.Equal((0.0, 1.0), (perItem.Acc, perItem.AccNorm));
        var items = Evaluator.ScoreItems(model, task); // the same, item by item
        Assert.Equal([false, true], items.Correct);
        Assert.Equal([true, false], items.CorrectNorm);
    }

    [Fact]
    public void Score_IdenticalChoices_TieGoesToTheFirst()
    {
        using var model = Fresh();
        var score = Evaluator.Score(model, new McTask("tie", [new McItem("ab", [" x", " x", " x"], 0), new McItem("ab", [" x", " x", " x"], 2)]));
        Assert.Equal(new TaskScore("tie", 0.5, 0.5, 2), score);
    }

    [Fact]
    public void Score_InvalidItems_Throw()
    {
        using var model = Fresh();
        Assert.Throws<ArgumentException>(() => Evaluator.Score(model, new McTask("empty", [])));
        Assert.Throws<ArgumentException>(() => Evaluator.Score(model, new McTask("gold", [new McItem("a", [" b", " c"], 2)])));
        Assert.Throws<ArgumentException>(() => Evaluator.Score(model, new McTask("ctx", [new McItem("", [" b", " c"], 0)])));
    }

    [Fact]
    public void Score_HfTokenizerTokenBeyondVocab_FailsNamingTheVocabulary()
    {
        using var model = TextPerplexityTests.Uniform(TextPerplexityTests.Shape with { VocabSize = 256 });
        var tokenizer = HfTokenizer.FromTokenizerJson(HfTokenizerTests.TinyTokenizerJson(), "tokenizer.json");
        var task = new McTask("t", [new McItem("Pick:", [" the", " a"], 0)]);
        Assert.Contains("vocabulary of 256", Assert.Throws<InvalidDataException>(() => Evaluator.Score(model, task, tokenizer)).Message);
    }
}
