namespace QuantScope.Web.Components.Charts;

/// <summary>One of an FC2 layer's top input channels at the latest measured step: rank 0 is the largest.</summary>
public sealed record OutlierChannel(int Rank, int Channel, float AbsMax, int Step);
