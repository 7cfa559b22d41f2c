using System.Globalization;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Runs;

/// <summary>How pages word a run's device: <c>NVIDIA H100 80GB HBM3 (cuda:0, 79.2 GiB)</c>, <c>cpu (16 cores) (cpu, 62.8 GiB)</c>.</summary>
public static class DeviceText
{
    /// <summary>The device's name, torch device and memory (when known).</summary>
    public static string Describe(DeviceInfo device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return device.MemoryBytes is { } bytes ? $"{device.Name} ({device.Device}, {Gib(bytes)})" : $"{device.Name} ({device.Device})";
    }

    /// <summary>Bytes as GiB with one decimal; "–" for null.</summary>
    public static string Gib(long? bytes) =>
        bytes is { } b ? (b / (double)(1L << 30)).ToString("F1", CultureInfo.InvariantCulture) + " GiB" : "–";
}
