namespace QuantScope.Engine.Data;

/// <summary>The relation a fact of a <see cref="SyntheticWorld"/> states.</summary>
internal enum FactKind
{
    City,
    Job,
    Colour,
    Friend,
    Region,
    River,
}

/// <summary>One fact: a relation of a person (first four kinds) or of a city (region, river), by subject name.</summary>
internal readonly record struct WorldFact(FactKind Kind, string Subject)
{
    /// <summary>Every fact of <paramref name="world"/>: four per person, then two per city.</summary>
    public static List<WorldFact> All(SyntheticWorld world)
    {
        var facts = new List<WorldFact>();
        foreach (var p in world.People)
        {
            facts.Add(new(FactKind.City, p.Name));
            facts.Add(new(FactKind.Job, p.Name));
            facts.Add(new(FactKind.Colour, p.Name));
            facts.Add(new(FactKind.Friend, p.Name));
        }

        foreach (var c in world.Cities)
        {
            facts.Add(new(FactKind.Region, c.Name));
            facts.Add(new(FactKind.River, c.Name));
        }

        return facts;
    }

    /// <summary>The fact's value (the answer to it) in <paramref name="world"/>.</summary>
    public string Value(SyntheticWorld world) => Kind switch
    {
        FactKind.City => world.Person(Subject).City,
        FactKind.Job => world.Person(Subject).Job,
        FactKind.Colour => world.Person(Subject).Colour,
        FactKind.Friend => world.Person(Subject).Friend,
        FactKind.Region => world.City(Subject).Region,
        _ => world.City(Subject).River,
    };
}
