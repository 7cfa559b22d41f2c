using System.Globalization;

namespace QuantScope.Engine.Hosting;

/// <summary>
/// How many cores other processes keep busy, from the kernel's CPU counters (<c>/proc/stat</c> for the machine,
/// <c>/proc/self/stat</c> for this process) between two looks: unlike the load average it sees a process that started a
/// second ago. The first look samples 100 ms; later ones cover the time since the previous look. Linux only: null
/// elsewhere (then the configured budget stands). Not thread-safe: one per <see cref="ThreadBudget"/>, which locks.
/// </summary>
public sealed class CpuUsage
{
    private static readonly TimeSpan FirstSample = TimeSpan.FromMilliseconds(100);
    private Snapshot? _last;

    /// <summary>Cores kept busy by other processes since the previous look (0..cores); null where the counters cannot be read.</summary>
    public double? OthersBusyCores()
    {
        if (!OperatingSystem.IsLinux()) return null;
        var before = _last ?? Read();
        if (_last is null)
        {
            Thread.Sleep(FirstSample);
        }

        var now = Read();
        _last = now;
        if (before is null || now is null) return null;
        return Others(before.Value, now.Value);
    }

    /// <summary>Cores busy with other processes between two snapshots: (busy ticks - our ticks) / all ticks x CPUs.</summary>
    internal static double? Others(Snapshot before, Snapshot now)
    {
        var total = now.Total - before.Total;
        if (total <= 0) return null;
        var busy = total - (now.Idle - before.Idle);
        var own = now.Own - before.Own;
        return Math.Clamp((busy - own) / (double)total * now.Cpus, 0, now.Cpus);
    }

    private static Snapshot? Read()
    {
        try
        {
            var lines = File.ReadAllLines("/proc/stat");
            var cpu = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries); // cpu user nice system idle iowait irq softirq steal ...
            var ticks = cpu.Skip(1).Take(8).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var cpus = lines.Count(l => l.StartsWith("cpu", StringComparison.Ordinal) && l.Length > 3 && char.IsAsciiDigit(l[3]));
            // /proc/self/stat: the name in parentheses may hold spaces; utime and stime are fields 14 and 15.
            var self = File.ReadAllText("/proc/self/stat");
            var rest = self[(self.LastIndexOf(')') + 2)..].Split(' ');
            var own = long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture);
            return new Snapshot(ticks.Sum(), ticks[3] + ticks[4], own, Math.Max(1, cpus));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Cumulative ticks: all CPUs' total and idle (incl. iowait), this process's user + system; and the CPU count.</summary>
    internal readonly record struct Snapshot(long Total, long Idle, long Own, int Cpus);
}
