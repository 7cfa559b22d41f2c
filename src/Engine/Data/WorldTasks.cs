namespace QuantScope.Engine.Data;

/// <summary>
/// Renders <see cref="SyntheticWorld.Tasks()"/>: four-choice items in the phrasings the pretraining text states its facts in
/// (<see cref="WorldKnowledgeText"/>), so a task measures whether the model still recalls what pretraining taught it, the
/// way MMLU and HellaSwag ask in the question and prose forms a pretraining corpus is full of. (A model of the demo's size
/// does not carry a fact over to a phrasing it never saw: asked in new words it answers at chance, so a drop would be
/// noise. Recall in new words is what the held-out probes measure.) Distractors are other values of the same kind from
/// the world itself, and the gold position is drawn at random.
/// </summary>
internal static class WorldTasks
{
    private const int ChoiceCount = 4;

    /// <summary>Phrasings per fact in the facts task (a question-and-answer line and a statement), and templates per person in the other two.</summary>
    private const int FactPhrasings = 2, PersonTemplates = 6;

    /// <summary>
    /// The three tasks in the fixed order facts, continuation, reasoning. Each task walks its distinct (subject, template)
    /// pairs in a shuffled order (416 for facts, 288 for each of the others on the 48-person world), so items do not repeat
    /// until those run out; past them the walk starts again with fresh distractors. A null count takes each pair once.
    /// </summary>
    public static IReadOnlyList<McTask> Generate(SyntheticWorld world, Random random, int? itemsPerTask)
    {
        if (itemsPerTask is { } n) ArgumentOutOfRangeException.ThrowIfNegative(n, nameof(itemsPerTask));
        var facts = WorldFact.All(world);
        var factPairs = Pairs(random, facts.Count, FactPhrasings);
        var continuationPairs = Pairs(random, world.People.Count, PersonTemplates);
        var reasoningPairs = Pairs(random, world.People.Count, PersonTemplates);
        return
        [
            new McTask("facts", Walk(itemsPerTask, factPairs, (i, t) => FactItem(world, random, facts[i], t))),
            new McTask("continuation", Walk(itemsPerTask, continuationPairs, (i, t) => ContinuationItem(world, random, world.People[i], t))),
            new McTask("reasoning", Walk(itemsPerTask, reasoningPairs, (i, t) => ReasoningItem(world, random, world.People[i], t))),
        ];
    }

    /// <summary>MMLU-like: one fact asked as the pretraining text's "Q: ... A:" line, or its statement cut before the value; the choices are bare values.</summary>
    private static McItem FactItem(SyntheticWorld world, Random random, WorldFact fact, int phrasing)
    {
        var s = fact.Subject;
        var asked = phrasing == 0;
        var (context, candidates) = fact.Kind switch
        {
            FactKind.City => (asked ? $"Q: Where does {s} live? A:" : $"The home of {s} is", CityNames(world)),
            FactKind.Job => (asked ? $"Q: What is the job of {s}? A:" : $"{s} works as a", SyntheticWorld.Jobs),
            FactKind.Colour => (asked ? $"Q: What colour does {s} like? A:" : $"The favourite colour of {s} is", SyntheticWorld.Colours),
            FactKind.Friend => (asked ? $"Q: Who is the friend of {s}? A:" : $"{s} often shares a meal with", NotFriendsOf(world, s)),
            FactKind.Region => (asked ? $"Q: Where is {s}? A: in the" : $"{s} lies in the", SyntheticWorld.Regions),
            _ => (asked ? $"Q: Which river runs through {s}? A:" : $"{s} is a town in the {world.City(s).Region}, on the river", Rivers(world)),
        };
        return Item(random, context, fact.Value(world), candidates, v => " " + v);
    }

    /// <summary>HellaSwag-like: a sentence start of the pretraining text and four endings; only the gold ending agrees with the world.</summary>
    private static McItem ContinuationItem(SyntheticWorld world, Random random, WorldPerson p, int template)
    {
        var n = p.Name;
        return template switch
        {
            0 => Item(random, $"By trade, {n} is a", p.Job, SyntheticWorld.Jobs, j => $" {j} from {p.City}."),
            1 => Item(random, $"Everyone in {p.City} knows {n} the", p.Job, SyntheticWorld.Jobs, j => $" {j}."),
            2 => Item(random, $"{n}, the {p.Job}, likes", p.Colour, SyntheticWorld.Colours, c => $" {c} and visits {p.Friend}."),
            3 => Item(random, $"{n} always wears", p.Colour, SyntheticWorld.Colours, c => $" {c}."),
            4 => Item(random, $"{n} lives in", p.City, CityNames(world), c => $" {c}."),
            _ => Item(random, $"{n} is a friend of", p.Friend, NotFriendsOf(world, n), f => $" {f}."),
        };
    }

    /// <summary>
    /// ARC-like: the ending chains two facts, the person's home town and then a fact of that town (its region or river)
    /// asked as the pretraining text's question line, which the demo model recalls best; only the gold ending has both
    /// right. Three ways to ask the town times two town facts: six templates. (Chains through a friend, two person facts
    /// in a row, were answered near chance by the demo model: a drop on them was noise.)
    /// </summary>
    private static McItem ReasoningItem(SyntheticWorld world, Random random, WorldPerson p, int template)
    {
        var n = p.Name;
        var cities = CityNames(world);
        var asked = (template / 2) switch { 0 => $"Q: Where does {n} live? A:", 1 => $"{n} lives in", _ => $"The home of {n} is" };
        return template % 2 == 0
            ? Chain(random, asked, p.City, cities, c => world.City(c).Region, SyntheticWorld.Regions, (c, r) => $" {c}. Q: Where is {c}? A: in the {r}.")
            : Chain(random, asked, p.City, cities, c => world.City(c).River, Rivers(world), (c, v) => $" {c}. Q: Which river runs through {c}? A: {v}.");
    }

    /// <summary>
    /// Gold (a, second(a)) and three distractors, each wrong in a different way: the right first fact with a wrong second;
    /// a wrong first fact with its own true second (a consistent chain from the wrong start); and wrong in both.
    /// </summary>
    private static McItem Chain(Random random, string context, string first, IReadOnlyList<string> firsts, Func<string, string> second,
        IReadOnlyList<string> seconds, Func<string, string, string> render)
    {
        string Other(IReadOnlyList<string> from, params string[] not)
        {
            var left = from.Where(v => !not.Contains(v)).Distinct().ToArray();
            return left[random.Next(left.Length)];
        }

        var gold = render(first, second(first));
        var wrongFirst = Other(firsts, first);
        var otherFirst = Other(firsts, first, wrongFirst);
        string[] distractors =
        [
            render(first, Other(seconds, second(first))),
            render(wrongFirst, second(wrongFirst)),
            render(otherFirst, Other(seconds, second(otherFirst), second(first))),
        ];
        random.Shuffle(distractors);
        var choices = distractors.ToList();
        var goldIndex = random.Next(ChoiceCount);
        choices.Insert(goldIndex, gold);
        return new McItem(context, choices, goldIndex);
    }

    /// <summary>Gold plus three distinct distractors from <paramref name="candidates"/>, gold at a random position.</summary>
    private static McItem Item(Random random, string context, string gold, IReadOnlyList<string> candidates, Func<string, string> render)
    {
        var distractors = candidates.Where(c => c != gold).Distinct().ToArray();
        random.Shuffle(distractors);
        var values = distractors.Take(ChoiceCount - 1).ToList();
        var goldIndex = random.Next(ChoiceCount);
        values.Insert(goldIndex, gold);
        return new McItem(context, values.Select(render).ToArray(), goldIndex);
    }

    /// <summary>People other than <paramref name="name"/> who are not its friend in either direction: unambiguous distractors.</summary>
    private static string[] NotFriendsOf(SyntheticWorld world, string name) =>
        world.People.Where(q => q.Name != name && q.Friend != name).Select(q => q.Name).ToArray();

    private static string[] CityNames(SyntheticWorld world) => world.Cities.Select(c => c.Name).ToArray();

    private static string[] Rivers(SyntheticWorld world) => world.Cities.Select(c => c.River).ToArray();

    /// <summary>Every (subject index, template index) pair, shuffled.</summary>
    private static (int Subject, int Template)[] Pairs(Random random, int subjects, int templates)
    {
        var pairs = Enumerable.Range(0, subjects).SelectMany(s => Enumerable.Range(0, templates).Select(t => (s, t))).ToArray();
        random.Shuffle(pairs);
        return pairs;
    }

    /// <summary><paramref name="count"/> items (null: one per pair) from the pairs in order, cycling past their end.</summary>
    private static McItem[] Walk(int? count, (int Subject, int Template)[] pairs, Func<int, int, McItem> item) =>
        Enumerable.Range(0, count ?? pairs.Length).Select(k => pairs[k % pairs.Length]).Select(p => item(p.Subject, p.Template)).ToArray();
}
