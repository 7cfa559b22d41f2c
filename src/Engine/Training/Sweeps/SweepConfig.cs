using System.Text.Json.Nodes;

namespace QuantScope.Engine.Training.Sweeps;

/// <summary>
/// A sweep: a base experiment config (JSON, as <c>POST /api/runs</c> takes it) and a grid over its fields; the sweep runs
/// the cartesian product of the grid's values (<see cref="SweepExpander"/>). Immutable; parsed by <see cref="SweepConfigParser"/>.
/// </summary>
public sealed record SweepConfig
{
    /// <summary>Largest number of runs one sweep may expand to.</summary>
    public const int MaxRuns = 256;

    /// <summary>Display name; run names start with it.</summary>
    public string Name { get; init; } = "sweep";

    /// <summary>The base experiment config as JSON (<c>{}</c> = the demo config).</summary>
    public JsonObject Base { get; init; } = new();

    /// <summary>The swept fields in the order given; the last field varies fastest. Empty = one run of the base.</summary>
    public IReadOnlyList<SweepAxis> Grid { get; init; } = [];

    /// <summary>Runs trained at the same time; null = the host's default (appsettings <c>Sweeps:Workers</c>).</summary>
    public int? Workers { get; init; }

    /// <summary>Runs in the product: the product of the axis lengths (1 for an empty grid).</summary>
    public long RunCount => Grid.Aggregate(1L, (n, axis) => n * Math.Max(axis.Values.Count, 0));
}
