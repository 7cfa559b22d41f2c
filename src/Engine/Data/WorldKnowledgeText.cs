using System.Globalization;
using System.Text;

namespace QuantScope.Engine.Data;

/// <summary>
/// Renders <see cref="SyntheticWorld.KnowledgePart"/>. The phrasings here and the probe templates in
/// <see cref="WorldProbes"/> must stay disjoint: probes measure recall of the fact, not of the sentence.
/// </summary>
internal static class WorldKnowledgeText
{
    private static readonly Func<WorldPerson, string>[] CityLines =
    [
        p => $"{p.Name} lives in {p.City}.",
        p => $"The home of {p.Name} is {p.City}.",
        p => $"By trade, {p.Name} is a {p.Job} from {p.City}.",
        p => $"Q: Where does {p.Name} live? A: {p.City}.",
        p => $"Everyone in {p.City} knows {p.Name} the {p.Job}.",
    ];

    private static readonly Func<WorldPerson, string>[] JobLines =
    [
        p => $"{p.Name} works as a {p.Job}.",
        p => $"By trade, {p.Name} is a {p.Job} from {p.City}.",
        p => $"Q: What is the job of {p.Name}? A: {p.Job}.",
        p => $"{p.Name}, the {p.Job}, likes {p.Colour} and visits {p.Friend}.",
    ];

    private static readonly Func<WorldPerson, string>[] ColourLines =
    [
        p => $"The favourite colour of {p.Name} is {p.Colour}.",
        p => $"Q: What colour does {p.Name} like? A: {p.Colour}.",
        p => $"{p.Name} always wears {p.Colour}.",
    ];

    private static readonly Func<WorldPerson, string>[] FriendLines =
    [
        p => $"{p.Name} is a friend of {p.Friend}.",
        p => $"{p.Name} often shares a meal with {p.Friend}.",
        p => $"{p.Friend} and {p.Name} are old friends.",
        p => $"Q: Who is the friend of {p.Name}? A: {p.Friend}.",
    ];

    private static readonly Func<WorldCity, string>[] RegionLines =
    [
        c => $"{c.Name} lies in the {c.Region}.",
        c => $"{c.Name} is a town in the {c.Region}, on the river {c.River}.",
        c => $"Q: Where is {c.Name}? A: in the {c.Region}.",
    ];

    private static readonly Func<WorldCity, string>[] RiverLines =
    [
        c => $"The river {c.River} flows through {c.Name}.",
        c => $"{c.Name} is a town in the {c.Region}, on the river {c.River}.",
        c => $"Q: Which river runs through {c.Name}? A: {c.River}.",
    ];

    private static readonly string[] Nouns = ["cat", "dog", "bird", "boat", "tree", "lamp", "horse", "bell"];
    private static readonly string[] Verbs = ["wait", "rest", "turn", "jump", "call", "walk", "play", "pull"]; // regular: +s, +ed

    /// <summary>Passes over all facts in shuffled order until <paramref name="approxChars"/> is reached.</summary>
    public static string Generate(SyntheticWorld world, Random random, int approxChars)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(approxChars);
        var facts = WorldFact.All(world).ToArray();
        var text = new StringBuilder(approxChars + 128);
        while (text.Length < approxChars)
        {
            random.Shuffle(facts);
            foreach (var fact in facts)
            {
                text.Append(Render(world, fact, random)).Append('\n');
                var extra = random.Next(10); // 20 % arithmetic, 10 % grammar: the "general skills" of the corpus
                if (extra < 2) text.Append(Arithmetic(random)).Append('\n');
                else if (extra == 2) text.Append(Grammar(world, random)).Append('\n');
                if (text.Length >= approxChars) break;
            }
        }

        return text.ToString();
    }

    private static string Render(SyntheticWorld world, WorldFact fact, Random random)
    {
        static string Pick<T>(Func<T, string>[] lines, T subject, Random random) => lines[random.Next(lines.Length)](subject);
        return fact.Kind switch
        {
            FactKind.City => Pick(CityLines, world.Person(fact.Subject), random),
            FactKind.Job => Pick(JobLines, world.Person(fact.Subject), random),
            FactKind.Colour => Pick(ColourLines, world.Person(fact.Subject), random),
            FactKind.Friend => Pick(FriendLines, world.Person(fact.Subject), random),
            FactKind.Region => Pick(RegionLines, world.City(fact.Subject), random),
            _ => Pick(RiverLines, world.City(fact.Subject), random),
        };
    }

    private static string Arithmetic(Random random)
    {
        var a = random.Next(0, 50);
        var b = random.Next(0, 50);
        return random.Next(3) switch
        {
            0 => string.Create(CultureInfo.InvariantCulture, $"{a} + {b} = {a + b}"),
            1 => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(a, b)} - {Math.Min(a, b)} = {Math.Max(a, b) - Math.Min(a, b)}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{a % 13} x {b % 13} = {a % 13 * (b % 13)}"),
        };
    }

    /// <summary>Number agreement and tense: regular nouns and verbs only, so every line is grammatical.</summary>
    private static string Grammar(SyntheticWorld world, Random random)
    {
        var noun = Nouns[random.Next(Nouns.Length)];
        var verb = Verbs[random.Next(Verbs.Length)];
        var name = world.People[random.Next(world.People.Count)].Name;
        return random.Next(3) switch
        {
            0 => $"The {noun} {verb}s. The {noun}s {verb}.",
            1 => $"One {noun}, two {noun}s, many {noun}s.",
            _ => $"Yesterday {name} {verb}ed; today {name} {verb}s.",
        };
    }
}
