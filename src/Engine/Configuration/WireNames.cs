using System.Reflection;

namespace QuantScope.Engine.Configuration;

/// <summary>The wire names of a config enum (its members' <see cref="WireNameAttribute"/>s), in declaration order.</summary>
/// <typeparam name="T">The enum.</typeparam>
public static class WireNames<T> where T : struct, Enum
{
    private static readonly (T Value, string Name)[] Table = typeof(T)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => ((T)f.GetValue(null)!, f.GetCustomAttribute<WireNameAttribute>()?.Name
            ?? throw new InvalidOperationException($"{typeof(T).Name}.{f.Name} has no [WireName]")))
        .ToArray();

    /// <summary>Every wire name, in declaration order (what error messages list).</summary>
    public static IReadOnlyList<string> All { get; } = Table.Select(t => t.Name).ToArray();

    /// <summary>The wire name of <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a declared member.</exception>
    public static string Of(T value)
    {
        foreach (var (v, name) in Table)
            if (EqualityComparer<T>.Default.Equals(v, value)) return name;
        throw new ArgumentOutOfRangeException(nameof(value), value, $"not a declared {typeof(T).Name}");
    }

    /// <summary>The member named <paramref name="name"/> exactly (case-sensitive, like the validators before it).</summary>
    public static bool TryParse(string? name, out T value)
    {
        foreach (var (v, n) in Table)
        {
            if (!string.Equals(n, name, StringComparison.Ordinal)) continue;
            value = v;
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>The message an unknown name gets: <c>must be one of: a, b, c</c>.</summary>
    public static string MustBeOneOf { get; } = $"must be one of: {string.Join(", ", All)}";
}
