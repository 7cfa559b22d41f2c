using Orleans.Placement;

namespace QuantScope.Web.Cluster;

/// <summary>Marks a grain class to be placed by <see cref="FreeCapacityPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class FreeCapacityPlacementAttribute() : PlacementAttribute(FreeCapacityPlacement.Instance);
