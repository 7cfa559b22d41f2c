using System.Text.RegularExpressions;
using QuantScope.Engine.Data;
using QuantScope.Engine.Training;

namespace QuantScope.Engine.Tests.Data;

public class SyntheticWorldTests
{
    /// <summary>(4 person facts x 48 people + 2 city facts x 8 cities) x 2 probe templates per relation.</summary>
    private const int DistinctProbes = (4 * 48 + 2 * 8) * 2;

    private static readonly SyntheticWorld World = SyntheticWorld.Create(7);

    private static string[] Words(string text) => Regex.Split(text, "[^A-Za-z]+").Where(w => w.Length > 0).ToArray();

    [Fact]
    public void Create_SameSeed_SameOutputs_OtherSeed_OtherOutputs()
    {
        var again = SyntheticWorld.Create(7);
        var other = SyntheticWorld.Create(8);
        Assert.Equal(World.People, again.People);
        Assert.Equal(World.KnowledgePart(5_000), again.KnowledgePart(5_000));
        Assert.Equal(World.NewDomainPart(5_000), again.NewDomainPart(5_000));
        Assert.Equal(World.Probes(30), again.Probes(30));
        var tasks = World.Tasks(5);
        var tasksAgain = again.Tasks(5);
        for (var t = 0; t < 3; t++)
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(tasks[t].Items[i].Context, tasksAgain[t].Items[i].Context);
                Assert.Equal(tasks[t].Items[i].Choices, tasksAgain[t].Items[i].Choices);
                Assert.Equal(tasks[t].Items[i].Gold, tasksAgain[t].Items[i].Gold);
            }

        Assert.NotEqual(World.People.Select(p => p.Name), other.People.Select(p => p.Name));
        Assert.NotEqual(World.KnowledgePart(5_000), other.KnowledgePart(5_000));
    }

    [Fact]
    public void KnowledgePart_CalledAfterOtherOutputs_IsUnchanged()
    {
        var fresh = SyntheticWorld.Create(7);
        fresh.Tasks(20);
        fresh.Probes(20);
        fresh.NewDomainPart(3_000);
        Assert.Equal(SyntheticWorld.Create(7).KnowledgePart(8_000), fresh.KnowledgePart(8_000));
    }

    [Fact]
    public void Create_World_HasUniqueNamesAndEveryoneHasAnotherPersonAsFriend()
    {
        Assert.Equal(SyntheticWorld.PeopleCount, World.People.Count);
        Assert.Equal(SyntheticWorld.CityCount, World.Cities.Count);
        var words = World.People.Select(p => p.Name).Concat(World.Cities.Select(c => c.Name)).Concat(World.Cities.Select(c => c.River)).ToArray();
        Assert.Equal(words.Length, words.Distinct().Count());
        var cityNames = World.Cities.Select(c => c.Name).ToHashSet();
        Assert.All(World.People, p =>
        {
            Assert.NotEqual(p.Name, p.Friend);
            Assert.Equal(p.Friend, World.Person(p.Friend).Name);
            Assert.Contains(p.City, cityNames);
        });
    }

    [Fact]
    public void KnowledgePart_Length_StopsAtFirstLineEndPastTarget()
    {
        var text = World.KnowledgePart(20_000);
        Assert.InRange(text.Length, 20_000, 20_200);
        Assert.EndsWith("\n", text);
        Assert.All(text, c => Assert.InRange(c, (char)10, (char)126)); // ASCII: one byte per character
    }

    [Fact]
    public void KnowledgePart_ArithmeticLines_AreCorrect()
    {
        var sums = World.KnowledgePart(30_000).Split('\n').Where(l => l.Contains(" + ", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(sums);
        Assert.All(sums, line =>
        {
            var parts = line.Split(' '); // "a + b = c"
            Assert.Equal(int.Parse(parts[0]) + int.Parse(parts[2]), int.Parse(parts[4]));
        });
    }

    [Fact]
    public void Probes_EveryProbedFact_IsStatedOnSomeKnowledgeLine()
    {
        var lines = World.KnowledgePart(15_000).Split('\n').Select(l => Words(l).ToHashSet()).ToArray();
        var probes = World.Probes(DistinctProbes);
        Assert.All(probes, probe =>
        {
            var subject = Words(probe.Prompt).Single(w => World.People.Any(p => p.Name == w) || World.Cities.Any(c => c.Name == w));
            Assert.Contains(lines, words => words.Contains(subject) && words.Contains(probe.Answer));
        });
    }

    [Fact]
    public void Probes_Templates_NeverOccurInKnowledgePart()
    {
        var knowledge = World.KnowledgePart(100_000);
        Assert.All(World.Probes(DistinctProbes), probe =>
        {
            Assert.DoesNotContain(probe.Prompt.TrimEnd(), knowledge, StringComparison.Ordinal);
            var subject = Words(probe.Prompt).Single(w => World.People.Any(p => p.Name == w) || World.Cities.Any(c => c.Name == w));
            var template = probe.Prompt.Split(subject).MaxBy(f => f.Length)!; // the phrasing with the name taken out
            Assert.True(template.Length >= 10, probe.Prompt);
            Assert.DoesNotContain(template, knowledge, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Probes_Count_AllDistinctPairsThenRepeats()
    {
        var probes = World.Probes(DistinctProbes + 3);
        Assert.Equal(DistinctProbes + 3, probes.Count);
        Assert.Equal(DistinctProbes, probes.Distinct().Count());
        Assert.Equal(probes[0], probes[DistinctProbes]);
        Assert.All(probes, p => Assert.EndsWith(" ", p.Prompt));
    }

    [Fact]
    public void Tasks_Shapes_ThreeNamedTasksOfFourDistinctChoicesWithSpreadGold()
    {
        var tasks = World.Tasks(200);
        Assert.Equal(["facts", "continuation", "reasoning"], tasks.Select(t => t.Name));
        Assert.All(tasks, task =>
        {
            Assert.Equal(200, task.Items.Count);
            Assert.All(task.Items, item =>
            {
                Assert.Equal(4, item.Choices.Count);
                Assert.Equal(4, item.Choices.Distinct().Count());
                Assert.InRange(item.Gold, 0, 3);
            });
            var perPosition = task.Items.GroupBy(i => i.Gold).Select(g => g.Count()).ToArray();
            Assert.Equal(4, perPosition.Length);
            Assert.All(perPosition, n => Assert.InRange(n, 25, 75)); // ~50 each: the gold position is random
        });
    }

    [Fact]
    public void Tasks_AsEvaluated_EveryDistinctQuestionOnceSoOneItemIsUnderHalfAPercent()
    {
        // 208 facts x 2 phrasings = 416 distinct questions; 48 people x 6 templates = 288 for the other two tasks.
        var tasks = World.Tasks(); // what a run evaluates: every distinct question once
        Assert.Equal([416, 288, 288], tasks.Select(t => t.Items.Count));
        Assert.All(tasks, t =>
        {
            Assert.Equal(t.Items.Count, t.Items.Select(i => i.Context + i.Choices[i.Gold]).Distinct().Count()); // a question: context and what is asked
            Assert.True(100.0 / t.Items.Count < 0.5);
        });
        var longer = World.Tasks(300);
        Assert.Equal(300, longer[0].Items.Select(i => i.Context + i.Choices[i.Gold]).Distinct().Count());
        Assert.Equal(288, longer[1].Items.Select(i => i.Context + i.Choices[i.Gold]).Distinct().Count()); // past 288 the walk starts again
    }

    [Fact]
    public void Tasks_Facts_GoldIsTheAskedFactAndNoDistractorIs()
    {
        Assert.All(World.Tasks(200)[0].Items, item =>
        {
            var values = item.Choices.Select(c => c.Trim()).ToArray();
            var subject = Words(item.Context).Single(w => World.People.Any(p => p.Name == w) || World.Cities.Any(c => c.Name == w));
            var expected = Domain(values) switch
            {
                "city" => World.Person(subject).City,
                "job" => World.Person(subject).Job,
                "colour" => World.Person(subject).Colour,
                "person" => World.Person(subject).Friend,
                "region" => World.City(subject).Region,
                _ => World.City(subject).River,
            };
            Assert.Equal(expected, values[item.Gold]);
            Assert.Single(values, v => v == expected);
            if (Domain(values) == "person") // no distractor is a friend in the other direction either
                Assert.All(values.Where(v => v != expected), v => Assert.NotEqual(subject, World.Person(v).Friend));
        });
    }

    [Fact]
    public void Tasks_Reasoning_GoldChainsTwoTrueFactsAndEachDistractorBreaksTheChainItsOwnWay()
    {
        // the chain: the person's home town, then that town's region or river
        var seconds = new HashSet<string>();
        Assert.All(World.Tasks(288)[2].Items, item =>
        {
            var expectedFirst = World.Person(Words(item.Context).Single(w => World.People.Any(p => p.Name == w))).City;
            var chains = item.Choices.Select(c =>
            {
                var words = Words(c);
                var first = words[0];
                var kind = c.Contains("river", StringComparison.Ordinal) ? "river" : "region";
                seconds.Add(kind);
                var values = kind == "river" ? World.Cities.Select(x => x.River) : SyntheticWorld.Regions;
                var second = words.Skip(1).Single(values.Contains);
                var trueSecond = kind == "river" ? World.City(first).River : World.City(first).Region;
                return (RightFirst: first == expectedFirst, RightSecond: second == trueSecond);
            }).ToArray();
            Assert.Equal((true, true), chains[item.Gold]);
            var wrong = chains.Where((_, i) => i != item.Gold).Order().ToArray();
            // the right first fact with a wrong second; a wrong first with its own true second; wrong in both
            Assert.Equal(new[] { (false, false), (false, true), (true, false) }, wrong);
        });
        Assert.Equal(new[] { "region", "river" }, seconds.Order());
    }

    [Fact]
    public void Tasks_GoldAnswers_AreSentencesOfThePretrainingText()
    {
        // Tasks ask in the phrasings pretraining states facts in (probes are the held-out phrasings): every gold
        // context + ending, sentence by sentence, occurs in the knowledge part the pretraining reads.
        var knowledge = World.KnowledgePart(ExperimentData.BuiltinChars);
        Assert.All(World.Tasks(), task => Assert.All(task.Items, item =>
        {
            var text = item.Context + item.Choices[item.Gold];
            foreach (var sentence in Regex.Split(text.TrimEnd('.'), @"\. (?=[A-Z])"))
                Assert.Contains(sentence, knowledge, StringComparison.Ordinal);
        }));
    }

    [Fact]
    public void Tasks_Continuation_OnlyTheGoldEndingAgreesWithTheWorld()
    {
        var worldWords = World.People.Select(p => p.Name).Concat(World.Cities.SelectMany(c => new[] { c.Name, c.River, c.Region }))
            .Concat(SyntheticWorld.Jobs).Concat(SyntheticWorld.Colours).ToHashSet();
        Assert.All(World.Tasks(288)[1].Items, item =>
        {
            var p = World.Person(Words(item.Context).Single(w => World.People.Any(q => q.Name == w)));
            var facts = new[] { p.City, p.Job, p.Colour, p.Friend };
            var gold = Words(item.Choices[item.Gold]);
            Assert.All(gold.Where(worldWords.Contains), w => Assert.Contains(w, facts)); // everything the gold ending claims is true of p
            foreach (var choice in item.Choices.Where((_, i) => i != item.Gold))
            {
                // a distractor is the gold ending with the asked fact swapped for another value of its kind
                var words = Words(choice);
                Assert.Equal(gold.Length, words.Length);
                var slot = Enumerable.Range(0, gold.Length).Single(k => words[k] != gold[k]);
                Assert.Contains(gold[slot], facts);
                Assert.Equal(Domain([gold[slot]]), Domain([words[slot]]));
            }
        });
    }

    [Fact]
    public void NewDomainPart_Lines_AreRecordsAboutCitiesWithCorrectTotalsAndNoPeople()
    {
        var text = World.NewDomainPart(20_000);
        Assert.InRange(text.Length, 20_000, 20_200);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.Matches("^(LEDGER|WX|MARKET) ", l));
        Assert.DoesNotContain(Words(text), w => World.People.Any(p => p.Name == w));
        var ledgers = lines.Where(l => l.StartsWith("LEDGER", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(ledgers);
        Assert.All(ledgers, l =>
        {
            var m = Regex.Match(l, @": (\d+) crates .* @ (\d+) = (\d+) coins$");
            Assert.True(m.Success, l);
            Assert.Equal(int.Parse(m.Groups[1].Value) * int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value));
        });
    }

    /// <summary>Which kind of value every choice is (choices are bare values in facts and reasoning).</summary>
    private static string Domain(string[] values)
    {
        bool All(IEnumerable<string> set) => values.All(set.Contains);
        if (All(World.Cities.Select(c => c.Name))) return "city";
        if (All(SyntheticWorld.Jobs)) return "job";
        if (All(SyntheticWorld.Colours)) return "colour";
        if (All(World.People.Select(p => p.Name))) return "person";
        if (All(SyntheticWorld.Regions)) return "region";
        Assert.True(All(World.Cities.Select(c => c.River)), string.Join("|", values));
        return "river";
    }
}
