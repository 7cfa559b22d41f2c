using System.Text;

namespace QuantScope.Engine.Data;

/// <summary>
/// An invented world generated deterministically from a seed: <see cref="PeopleCount"/> people (home city, job,
/// favourite colour, friend) and <see cref="CityCount"/> cities (region, river, traded good). From the same world it
/// renders pretraining knowledge, a new-domain text that can make a model forget that knowledge, held-out knowledge
/// probes and three multiple-choice tasks. Every output uses its own random stream derived from the seed, so each
/// call returns the same text whatever else was called before.
/// </summary>
public sealed class SyntheticWorld
{
    /// <summary>People per world.</summary>
    public const int PeopleCount = 48;

    /// <summary>Cities per world; at least 4, so a city question always has 3 distinct distractors.</summary>
    public const int CityCount = 8;

    internal static readonly string[] Jobs = ["baker", "sailor", "weaver", "miner", "teacher", "healer", "smith", "farmer", "scribe", "potter"];
    internal static readonly string[] Colours = ["red", "blue", "green", "amber", "violet", "grey", "white", "black", "gold", "teal"];
    internal static readonly string[] Regions = ["north", "south", "east", "west", "hills", "lowlands"];
    internal static readonly string[] Goods = ["salt", "wool", "fish", "timber", "copper", "grain", "wine", "glass"];

    private static readonly string[] Onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "tr", "sh"];
    private static readonly string[] Vowels = ["a", "e", "i", "o", "u", "ai", "ou"];
    private static readonly string[] CitySuffixes = ["ton", "ford", "mere", "holm"];

    // Salts of the per-output random streams (arbitrary distinct constants).
    private const int KnowledgeSalt = 1, NewDomainSalt = 2, ProbeSalt = 3, TaskSalt = 4;

    private readonly Dictionary<string, WorldPerson> _people;
    private readonly Dictionary<string, WorldCity> _cities;

    private SyntheticWorld(int seed, WorldPerson[] people, WorldCity[] cities)
    {
        Seed = seed;
        People = people;
        Cities = cities;
        _people = people.ToDictionary(p => p.Name, StringComparer.Ordinal);
        _cities = cities.ToDictionary(c => c.Name, StringComparer.Ordinal);
    }

    /// <summary>The seed this world was generated from.</summary>
    public int Seed { get; }

    /// <summary>The people, in generation order.</summary>
    public IReadOnlyList<WorldPerson> People { get; }

    /// <summary>The cities, in generation order.</summary>
    public IReadOnlyList<WorldCity> Cities { get; }

    /// <summary>Generates the world for <paramref name="seed"/> (System.Random with a seed is stable across .NET versions).</summary>
    public static SyntheticWorld Create(int seed)
    {
        var random = new Random(seed);
        var used = new HashSet<string>(StringComparer.Ordinal); // every invented word is unique across kinds

        var cities = new WorldCity[CityCount];
        for (var i = 0; i < CityCount; i++)
        {
            var name = UniqueWord(random, used, 2, CitySuffixes[random.Next(CitySuffixes.Length)]);
            var river = UniqueWord(random, used, 2, "");
            cities[i] = new WorldCity(name, Regions[random.Next(Regions.Length)], river, Goods[i % Goods.Length]);
        }

        var names = Enumerable.Range(0, PeopleCount).Select(_ => UniqueWord(random, used, random.Next(2, 4), "")).ToArray();
        var people = new WorldPerson[PeopleCount];
        for (var i = 0; i < PeopleCount; i++)
        {
            var friend = random.Next(PeopleCount - 1);
            if (friend >= i) friend++; // nobody is their own friend
            people[i] = new WorldPerson(names[i], cities[random.Next(CityCount)].Name, Jobs[random.Next(Jobs.Length)],
                Colours[random.Next(Colours.Length)], names[friend]);
        }

        return new SyntheticWorld(seed, people, cities);
    }

    /// <summary>The person called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such person.</exception>
    public WorldPerson Person(string name) => _people[name];

    /// <summary>The city called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such city.</exception>
    public WorldCity City(string name) => _cities[name];

    /// <summary>
    /// Pretraining text of about <paramref name="approxChars"/> characters (ASCII lines): every fact stated in varied
    /// phrasings, once per pass over all facts in a shuffled order, interleaved with arithmetic and grammar lines.
    /// Any part longer than one pass (about 10,000 characters) states every fact at least once.
    /// </summary>
    public string KnowledgePart(int approxChars) => WorldKnowledgeText.Generate(this, RandomFor(KnowledgeSalt), approxChars);

    /// <summary>
    /// About <paramref name="approxChars"/> characters of a different domain about the same cities: shipping ledgers,
    /// weather logs and market boards, dense in digits and fixed formats, stating none of the people facts.
    /// </summary>
    public string NewDomainPart(int approxChars) => WorldNewDomainText.Generate(this, RandomFor(NewDomainSalt), approxChars);

    /// <summary>
    /// <paramref name="count"/> held-out probes about facts stated in <see cref="KnowledgePart"/>, phrased with
    /// templates that never occur there. Distinct (fact, template) pairs come first in a shuffled order; past all of
    /// them the list repeats.
    /// </summary>
    public IReadOnlyList<KnowledgeProbe> Probes(int count) => WorldProbes.Generate(this, RandomFor(ProbeSalt), count);

    /// <summary>
    /// The tasks <c>facts</c> (one fact per question), <c>continuation</c> (the ending consistent with the world)
    /// and <c>reasoning</c> (two facts combined), <paramref name="itemsPerTask"/> four-choice items each; no question
    /// repeats within a task up to 416 (facts) or 288 (the others) items.
    /// </summary>
    public IReadOnlyList<McTask> Tasks(int itemsPerTask) => WorldTasks.Generate(this, RandomFor(TaskSalt), itemsPerTask);

    /// <summary>The same tasks with every distinct question once: 416 items in <c>facts</c>, 288 in each of the others.</summary>
    public IReadOnlyList<McTask> Tasks() => WorldTasks.Generate(this, RandomFor(TaskSalt), null);

    private Random RandomFor(int salt) => new(unchecked(Seed * 1_000_003 + salt));

    private static string UniqueWord(Random random, HashSet<string> used, int syllables, string suffix)
    {
        while (true)
        {
            var sb = new StringBuilder();
            for (var i = 0; i < syllables; i++) sb.Append(Onsets[random.Next(Onsets.Length)]).Append(Vowels[random.Next(Vowels.Length)]);
            sb.Append(suffix);
            sb[0] = char.ToUpperInvariant(sb[0]);
            var word = sb.ToString();
            if (used.Add(word)) return word;
        }
    }
}
