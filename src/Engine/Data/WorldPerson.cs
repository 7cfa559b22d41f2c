namespace QuantScope.Engine.Data;

/// <summary>A person of a <see cref="SyntheticWorld"/>.</summary>
/// <param name="Name">Unique capitalised invented name.</param>
/// <param name="City">Name of the home city (one of the world's <see cref="SyntheticWorld.Cities"/>).</param>
/// <param name="Job">Occupation, a lower-case noun that takes the article "a".</param>
/// <param name="Colour">Favourite colour, lower case.</param>
/// <param name="Friend">Name of another person of the same world (never the person itself).</param>
public sealed record WorldPerson(string Name, string City, string Job, string Colour, string Friend);
