namespace QuantScope.Engine.Devices;

/// <summary>A run asked for a device this build or machine does not have (the validator refuses such configs first).</summary>
public sealed class DeviceUnavailableException(string message) : InvalidOperationException("device: " + message);
