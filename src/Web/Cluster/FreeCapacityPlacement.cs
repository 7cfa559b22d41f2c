namespace QuantScope.Web.Cluster;

/// <summary>Placement strategy: activate the grain on the worker with the most free slots (see <see cref="FreeCapacityPlacementDirector"/>).</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class FreeCapacityPlacement : PlacementStrategy
{
    /// <summary>The one instance the attribute uses.</summary>
    public static readonly FreeCapacityPlacement Instance = new();
}
