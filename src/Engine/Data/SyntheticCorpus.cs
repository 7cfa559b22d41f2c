using System.Globalization;
using System.Text;

namespace QuantScope.Engine.Data;

/// <summary>
/// A small invented world rendered as text, generated deterministically from a seed: people with a home city, a
/// job, a favourite colour and a friend, described in varied sentences, interleaved with simple arithmetic lines.
/// Facts repeat across phrasings, so a tiny model can learn both the language and the world.
/// </summary>
public static class SyntheticCorpus
{
    private static readonly string[] Onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "tr", "sh"];
    private static readonly string[] Vowels = ["a", "e", "i", "o", "u", "ai", "ou"];
    private static readonly string[] Jobs = ["baker", "sailor", "weaver", "miner", "teacher", "healer", "smith", "farmer", "scribe", "potter"];
    private static readonly string[] Colours = ["red", "blue", "green", "amber", "violet", "grey", "white", "black", "gold", "teal"];

    /// <summary>Generates about <paramref name="approxChars"/> characters (ASCII, newline-separated lines) for <paramref name="seed"/>.</summary>
    /// <param name="seed">Same seed, same text (System.Random with a seed is stable across .NET versions).</param>
    /// <param name="approxChars">Target length; the text stops at the first line end past it.</param>
    /// <param name="people">Number of invented people in the world.</param>
    public static string Generate(int seed, int approxChars = 200_000, int people = 48)
    {
        var random = new Random(seed);
        var cities = Enumerable.Range(0, Math.Max(2, people / 6)).Select(_ => Capitalise(Word(random, 2) + "ton")).Distinct().ToArray();
        var names = new List<string>();
        while (names.Count < people)
        {
            var name = Capitalise(Word(random, random.Next(2, 4)));
            if (!names.Contains(name)) names.Add(name);
        }

        var world = names.Select(n => new Person(
            n,
            cities[random.Next(cities.Length)],
            Jobs[random.Next(Jobs.Length)],
            Colours[random.Next(Colours.Length)],
            names[random.Next(names.Count)])).ToArray();

        var text = new StringBuilder(approxChars + 128);
        while (text.Length < approxChars)
        {
            text.Append(random.Next(5) == 0 ? Arithmetic(random) : Sentence(random, world[random.Next(world.Length)]));
            text.Append('\n');
        }

        return text.ToString();
    }

    private static string Sentence(Random random, Person p) => random.Next(9) switch
    {
        0 => $"{p.Name} lives in {p.City}.",
        1 => $"The home of {p.Name} is {p.City}.",
        2 => $"{p.Name} works as a {p.Job}.",
        3 => $"By trade, {p.Name} is a {p.Job} from {p.City}.",
        4 => $"The favourite colour of {p.Name} is {p.Colour}.",
        5 => $"{p.Name} is a friend of {p.Friend}.",
        6 => $"Q: Where does {p.Name} live? A: {p.City}.",
        7 => $"Q: What is the job of {p.Name}? A: {p.Job}.",
        _ => $"{p.Name}, the {p.Job}, likes {p.Colour} and visits {p.Friend}.",
    };

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

    private static string Word(Random random, int syllables)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < syllables; i++)
            sb.Append(Onsets[random.Next(Onsets.Length)]).Append(Vowels[random.Next(Vowels.Length)]);
        return sb.ToString();
    }

    private static string Capitalise(string word) => char.ToUpperInvariant(word[0]) + word[1..];

    private sealed record Person(string Name, string City, string Job, string Colour, string Friend);
}
