namespace QuantScope.Engine.Devices;

/// <summary>
/// libtorch ran out of GPU memory during a run: the run fails with this message (what was free, what was asked for),
/// the process keeps serving. Made by <see cref="RunDevice.Explain"/> from libtorch's own error.
/// </summary>
public sealed class DeviceOutOfMemoryException(string message, Exception inner) : Exception(message, inner);
