namespace QuantScope.Engine.Configuration;

/// <summary>
/// The exact text an enum member has in config JSON (<c>"most_recent"</c>, <c>"bf16"</c>), read and written by
/// <see cref="WireEnumConverter{T}"/>. Our own attribute rather than <c>JsonStringEnumMemberName</c>, so that the
/// API's global enum converter keeps writing these enums as it always did wherever they appear outside a config.
/// </summary>
/// <param name="name">The wire name.</param>
[AttributeUsage(AttributeTargets.Field)]
public sealed class WireNameAttribute(string name) : Attribute
{
    /// <summary>The wire name.</summary>
    public string Name { get; } = name;
}
