namespace QuantScope.Engine.Data;

/// <summary>
/// Renders <see cref="SyntheticWorld.Tasks"/>: four-choice items whose distractors are other values of the same kind
/// from the world itself (so every choice is a plausible word for the slot) and whose gold position is drawn at random.
/// </summary>
internal static class WorldTasks
{
    private const int ChoiceCount = 4;

    /// <summary>The three tasks in the fixed order facts, continuation, reasoning.</summary>
    public static IReadOnlyList<McTask> Generate(SyntheticWorld world, Random random, int itemsPerTask)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(itemsPerTask);
        var facts = WorldFact.All(world);
        return
        [
            new McTask("facts", Repeat(itemsPerTask, () => FactItem(world, random, facts[random.Next(facts.Count)]))),
            new McTask("continuation", Repeat(itemsPerTask, () => ContinuationItem(world, random, RandomPerson(world, random)))),
            new McTask("reasoning", Repeat(itemsPerTask, () => ReasoningItem(world, random, RandomPerson(world, random)))),
        ];
    }

    /// <summary>MMLU-like: one fact asked as a question; the choices are bare values (full-text answers, not letters).</summary>
    private static McItem FactItem(SyntheticWorld world, Random random, WorldFact fact)
    {
        var s = fact.Subject;
        var (question, candidates) = fact.Kind switch
        {
            FactKind.City => ($"Which city is home to {s}?", CityNames(world)),
            FactKind.Job => ($"What does {s} do for a living?", SyntheticWorld.Jobs),
            FactKind.Colour => ($"Which colour does {s} like best?", SyntheticWorld.Colours),
            FactKind.Friend => ($"Who is the friend of {s}?", NotFriendsOf(world, s)),
            FactKind.Region => ($"In which region is {s}?", SyntheticWorld.Regions),
            _ => ($"Which river flows through {s}?", world.Cities.Select(c => c.River).ToArray()),
        };
        return Item(random, $"Question: {question}\nAnswer:", fact.Value(world), candidates, v => " " + v);
    }

    /// <summary>HellaSwag-like: a sentence start and four endings; only the gold ending agrees with the world.</summary>
    private static McItem ContinuationItem(SyntheticWorld world, Random random, WorldPerson p)
    {
        var n = p.Name;
        return random.Next(4) switch
        {
            0 => Item(random, $"After a day of work, {n} walked home to", p.City, CityNames(world),
                c => $" {c}, on the river {world.City(c).River}."),
            1 => Item(random, $"At the market, {n} the {p.Job} chose a cloth of", p.Colour, SyntheticWorld.Colours,
                c => $" {c}, as always."),
            2 => Item(random, $"{n} packed some bread and set off to see", p.Friend, NotFriendsOf(world, n),
                f => $" {f}, who lives in {world.Person(f).City}."),
            _ => Item(random, $"In {p.City}, {n} put on the apron of a", p.Job, SyntheticWorld.Jobs,
                j => $" {j} and went to work."),
        };
    }

    /// <summary>ARC-like: the answer needs two facts chained (the person's city or friend, then that one's fact).</summary>
    private static McItem ReasoningItem(SyntheticWorld world, Random random, WorldPerson p)
    {
        var n = p.Name;
        var home = world.City(p.City);
        var friend = world.Person(p.Friend);
        var (question, gold, candidates) = random.Next(4) switch
        {
            0 => ($"In which city does the friend of {n} live?", friend.City, CityNames(world)),
            1 => ($"In which region is the home town of {n}?", home.Region, SyntheticWorld.Regions),
            2 => ($"Which river flows through the town where {n} lives?", home.River, world.Cities.Select(c => c.River).ToArray()),
            _ => ($"What is the job of the friend of {n}?", friend.Job, SyntheticWorld.Jobs),
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

    private static WorldPerson RandomPerson(SyntheticWorld world, Random random) => world.People[random.Next(world.People.Count)];

    private static McItem[] Repeat(int count, Func<McItem> next) => Enumerable.Range(0, count).Select(_ => next()).ToArray();
}
