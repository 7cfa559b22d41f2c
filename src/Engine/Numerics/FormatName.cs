using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// The name of a number format that <see cref="NumberFormats"/> knows (<c>e4m3</c>, <c>hif8</c>, <c>int4-g128</c>,
/// <c>mxfp4</c>, ...), as configs and recipes hold it. Only <see cref="TryParse"/> and <see cref="Parse"/> make one, so a
/// recipe never carries an unknown format. Keeps the text exactly as given (<c>"E4M3"</c> stays <c>"E4M3"</c>): stored
/// configs, config hashes and cache keys read the same; names compare case-insensitively, as lookup does.
/// In JSON it is the plain string (<see cref="FormatNameConverter"/>).
/// </summary>
[JsonConverter(typeof(FormatNameConverter))]
public sealed class FormatName : IEquatable<FormatName>
{
    /// <summary>What an unknown name is told (the field is named by its JSON path).</summary>
    public const string NotKnown = "is not a known number format (see GET /api/formats)";

    private FormatName(string name, INumberFormat format)
    {
        Name = name;
        Format = format;
    }

    /// <summary>OCP FP8 E4M3 (max 448).</summary>
    public static FormatName E4M3 { get; } = Parse("e4m3");

    /// <summary>OCP FP8 E5M2 (max 57344).</summary>
    public static FormatName E5M2 { get; } = Parse("e5m2");

    /// <summary>HiF8 (tapered precision; delayed and current scaling aim at max_val 15).</summary>
    public static FormatName HiF8 { get; } = Parse("hif8");

    /// <summary>MXFP8 with E4M3 elements (32-element blocks, E8M0 scales).</summary>
    public static FormatName Mxfp8E4M3 { get; } = Parse("mxfp8-e4m3");

    /// <summary>The name as given (what JSON and telemetry carry).</summary>
    public string Name { get; }

    /// <summary>The format the name stands for.</summary>
    public INumberFormat Format { get; }

    /// <summary>The format called <paramref name="name"/> (case-insensitive); false when unknown or malformed.</summary>
    public static bool TryParse(string? name, [NotNullWhen(true)] out FormatName? formatName)
    {
        formatName = name is not null && NumberFormats.TryGet(name, out var format) ? new FormatName(name, format) : null;
        return formatName is not null;
    }

    /// <summary>Like <see cref="TryParse"/> but throws.</summary>
    /// <exception cref="ArgumentException">Unknown or malformed name.</exception>
    public static FormatName Parse(string name) =>
        TryParse(name, out var f) ? f : throw new ArgumentException($"Unknown number format '{name}'.", nameof(name));

    /// <summary>Same name, ignoring case (<c>E4M3</c> = <c>e4m3</c>).</summary>
    public bool Equals(FormatName? other) =>
        other is not null && string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase);

    /// <summary>Same name, ignoring case, when <paramref name="name"/> is text.</summary>
    public bool Is(string? name) => string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FormatName);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Name);

    /// <summary>The name as given.</summary>
    public override string ToString() => Name;

    /// <summary>Same name, ignoring case.</summary>
    public static bool operator ==(FormatName? left, FormatName? right) => left?.Equals(right) ?? right is null;

    /// <summary>Different names.</summary>
    public static bool operator !=(FormatName? left, FormatName? right) => !(left == right);
}
