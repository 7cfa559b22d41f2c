namespace QuantScope.Engine.Data;

/// <summary>
/// Renders <see cref="SyntheticWorld.Probes"/>. These phrasings are held out: none occurs in
/// <see cref="WorldKnowledgeText"/>, so a probe measures whether the model stored the fact rather than the sentence.
/// </summary>
internal static class WorldProbes
{
    /// <summary>Prompt templates by relation; the argument is the subject's name, the answer follows the prompt.</summary>
    private static readonly Dictionary<FactKind, Func<string, string>[]> Templates = new()
    {
        [FactKind.City] = [n => $"{n} has a house in ", n => $"The town where {n} sleeps at night is "],
        [FactKind.Job] = [n => $"{n} earns a living as a ", n => $"Day after day, {n} labours as a "],
        [FactKind.Colour] = [n => $"Of all colours, {n} prefers ", n => $"Given a choice, {n} picks the colour "],
        [FactKind.Friend] = [n => $"{n} trusts a companion named ", n => $"A visitor at the door of {n} is usually "],
        [FactKind.Region] = [c => $"The town of {c} sits in the ", c => $"Travellers find {c} in the "],
        [FactKind.River] = [c => $"The water of {c} comes from the river ", c => $"Boats in {c} sail on the river "],
    };

    /// <summary>All (fact, template) pairs in a shuffled order, repeated cyclically up to <paramref name="count"/>.</summary>
    public static IReadOnlyList<KnowledgeProbe> Generate(SyntheticWorld world, Random random, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var pool = WorldFact.All(world)
            .SelectMany(fact => Templates[fact.Kind].Select(template => new KnowledgeProbe(template(fact.Subject), fact.Value(world))))
            .ToArray();
        random.Shuffle(pool);
        return Enumerable.Range(0, count).Select(i => pool[i % pool.Length]).ToArray();
    }
}
