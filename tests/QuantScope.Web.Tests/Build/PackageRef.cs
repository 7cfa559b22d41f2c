namespace QuantScope.Web.Tests.Build;

/// <summary>A package reference as evaluated: its name and the asset metadata that decides what flows to dependants.</summary>
internal sealed record PackageRef(string Name, string? PrivateAssets, string? ExcludeAssets);
