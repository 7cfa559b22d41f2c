namespace QuantScope.Engine.Data;

/// <summary>
/// Renders <see cref="SyntheticWorld.Tasks"/>: four-choice items whose distractors are other values of the same kind
/// from the world itself (so every choice is a plausible word for the slot) and whose gold position is drawn at random.
/// </summary>
internal static class WorldTasks
{
    private const int ChoiceCount = 4;

    /// <summary>Phrasings per fact in the facts task, and sentence templates per person in the other two.</summary>
    private const int FactPhrasings = 2, PersonTemplates = 6;

    /// <summary>
    /// The three tasks in the fixed order facts, continuation, reasoning. Each task walks its distinct (subject, template)
    /// pairs in a shuffled order (416 for facts, 288 for each of the others on the 48-person world), so items do not repeat
    /// until those run out; past them the walk starts again with fresh distractors.
    /// </summary>
    public static IReadOnlyList<McTask> Generate(SyntheticWorld world, Random random, int itemsPerTask)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(itemsPerTask);
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

    /// <summary>MMLU-like: one fact asked as a question; the choices are bare values (full-text answers, not letters).</summary>
    private static McItem FactItem(SyntheticWorld world, Random random, WorldFact fact, int phrasing)
    {
        var s = fact.Subject;
        var first = phrasing == 0;
        var (question, candidates) = fact.Kind switch
        {
            FactKind.City => (first ? $"Which city is home to {s}?" : $"Where does {s} live?", CityNames(world)),
            FactKind.Job => (first ? $"What does {s} do for a living?" : $"What is the trade of {s}?", SyntheticWorld.Jobs),
            FactKind.Colour => (first ? $"Which colour does {s} like best?" : $"What is the favourite colour of {s}?", SyntheticWorld.Colours),
            FactKind.Friend => (first ? $"Who is the friend of {s}?" : $"Whom does {s} call a friend?", NotFriendsOf(world, s)),
            FactKind.Region => (first ? $"In which region is {s}?" : $"Which region is {s} part of?", SyntheticWorld.Regions),
            _ => (first ? $"Which river flows through {s}?" : $"What river runs past {s}?", world.Cities.Select(c => c.River).ToArray()),
        };
        return Item(random, $"Question: {question}\nAnswer:", fact.Value(world), candidates, v => " " + v);
    }

    /// <summary>HellaSwag-like: a sentence start and four endings; only the gold ending agrees with the world.</summary>
    private static McItem ContinuationItem(SyntheticWorld world, Random random, WorldPerson p, int template)
    {
        var n = p.Name;
        return template switch
        {
            0 => Item(random, $"After a day of work, {n} walked home to", p.City, CityNames(world),
                c => $" {c}, on the river {world.City(c).River}."),
            1 => Item(random, $"At the market, {n} the {p.Job} chose a cloth of", p.Colour, SyntheticWorld.Colours,
                c => $" {c}, as always."),
            2 => Item(random, $"{n} packed some bread and set off to see", p.Friend, NotFriendsOf(world, n),
                f => $" {f}, who lives in {world.Person(f).City}."),
            3 => Item(random, $"Every morning {n} the {p.Job} opened the door of a house in", p.City, CityNames(world),
                c => $" {c}, in the {world.City(c).Region}."),
            4 => Item(random, $"For the feast, {n} hung up a banner of", p.Colour, SyntheticWorld.Colours,
                c => $" {c} over the door."),
            _ => Item(random, $"In {p.City}, {n} put on the apron of a", p.Job, SyntheticWorld.Jobs,
                j => $" {j} and went to work."),
        };
    }

    /// <summary>ARC-like: the answer needs two facts chained (the person's city or friend, then that one's fact).</summary>
    private static McItem ReasoningItem(SyntheticWorld world, Random random, WorldPerson p, int template)
    {
        var n = p.Name;
        var home = world.City(p.City);
        var friend = world.Person(p.Friend);
        var rivers = world.Cities.Select(c => c.River).ToArray();
        var (question, gold, candidates) = template switch
        {
            0 => ($"In which city does the friend of {n} live?", friend.City, CityNames(world)),
            1 => ($"In which region is the home town of {n}?", home.Region, SyntheticWorld.Regions),
            2 => ($"Which river flows through the town where {n} lives?", home.River, rivers),
            3 => ($"What is the job of the friend of {n}?", friend.Job, SyntheticWorld.Jobs),
            4 => ($"Which colour does the friend of {n} like best?", friend.Colour, SyntheticWorld.Colours),
            _ => ($"Which river flows through the town of the friend of {n}?", world.City(friend.City).River, rivers),
        };
        return Item(random, $"Question: {question}\nAnswer:", gold, candidates, v => " " + v);
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

    /// <summary>Every (subject index, template index) pair, shuffled.</summary>
    private static (int Subject, int Template)[] Pairs(Random random, int subjects, int templates)
    {
        var pairs = Enumerable.Range(0, subjects).SelectMany(s => Enumerable.Range(0, templates).Select(t => (s, t))).ToArray();
        random.Shuffle(pairs);
        return pairs;
    }

    /// <summary><paramref name="count"/> items from the pairs in order, cycling past their end.</summary>
    private static McItem[] Walk(int count, (int Subject, int Template)[] pairs, Func<int, int, McItem> item) =>
        Enumerable.Range(0, count).Select(k => pairs[k % pairs.Length]).Select(p => item(p.Subject, p.Template)).ToArray();
}
