namespace QuantScope.Engine.Devices;

/// <summary>The device a setting picks (<c>cpu</c> or <c>cuda:N</c>), or why it cannot be had; exactly one of Device and Error is set.</summary>
/// <param name="Device">The torch device text.</param>
/// <param name="Error">Why the setting cannot be met here, worded for the field <c>device</c>.</param>
/// <param name="CudaIndex">N of a picked <c>cuda:N</c>; null for the CPU and for an error.</param>
public sealed record DeviceChoice(string? Device, string? Error, int? CudaIndex = null);
