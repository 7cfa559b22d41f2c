namespace QuantScope.Engine.Data;

/// <summary>A city of a <see cref="SyntheticWorld"/>.</summary>
/// <param name="Name">Unique capitalised invented name.</param>
/// <param name="Region">Lower-case region word ("north", "hills", ...), shared by several cities.</param>
/// <param name="River">Unique capitalised invented river name.</param>
/// <param name="Good">What the city trades; appears only in the new-domain text.</param>
public sealed record WorldCity(string Name, string Region, string River, string Good);
