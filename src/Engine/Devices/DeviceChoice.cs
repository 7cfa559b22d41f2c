namespace QuantScope.Engine.Devices;

/// <summary>The device a setting picks (<c>cpu</c> or <c>cuda:N</c>), or why it cannot be had; exactly one is set.</summary>
/// <param name="Device">The torch device text.</param>
/// <param name="Error">Why the setting cannot be met here, worded for the field <c>device</c>.</param>
public sealed record DeviceChoice(string? Device, string? Error);
