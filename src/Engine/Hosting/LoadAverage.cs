using System.Globalization;

namespace QuantScope.Engine.Hosting;

/// <summary>The machine's load average (runnable threads, all processes), where the OS publishes it.</summary>
public static class LoadAverage
{
    /// <summary>The 1-minute load average from <c>/proc/loadavg</c>; null where there is none (not Linux, or unreadable).</summary>
    public static double? OneMinute()
    {
        try
        {
            if (!OperatingSystem.IsLinux()) return null;
            var first = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
