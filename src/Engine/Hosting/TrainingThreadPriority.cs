using System.Runtime.InteropServices;

namespace QuantScope.Engine.Hosting;

/// <summary>
/// Lowers the calling thread's OS scheduling priority, so a training thread (and the libtorch worker threads it
/// creates afterwards, which inherit it) gives way to the server's request, ingest and hub threads on a busy
/// machine. Linux: <c>setpriority(PRIO_PROCESS, tid)</c> acts on one thread, and raising one's own nice value needs
/// no privilege. Elsewhere: <see cref="Thread.Priority"/>.
/// </summary>
public static class TrainingThreadPriority
{
    private const int PrioProcess = 0;
    private const int MaxNice = 19;

    /// <summary>
    /// Raises the calling thread's nice value by <paramref name="niceness"/> (at most to 19). Call it on the training
    /// thread before its first tensor op. Returns false when the OS refused (the thread keeps its priority).
    /// </summary>
    public static bool Lower(int niceness)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(niceness);
        if (niceness == 0) return true;
        if (!OperatingSystem.IsLinux())
        {
            Thread.CurrentThread.Priority = niceness >= 10 ? ThreadPriority.Lowest : ThreadPriority.BelowNormal;
            return true;
        }
        var tid = (uint)gettid();
        var current = CurrentNice(tid);
        return setpriority(PrioProcess, tid, Math.Min(MaxNice, current + niceness)) == 0;
    }

    // getpriority returns the nice value itself (-20..19) for PRIO_PROCESS with the glibc wrapper.
    private static int CurrentNice(uint tid) => getpriority(PrioProcess, tid);

    // DllImport, not LibraryImport: plain int arguments need no marshalling, and LibraryImport would need unsafe code.
    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, uint who, int prio);

    [DllImport("libc", SetLastError = true)]
    private static extern int getpriority(int which, uint who);

    [DllImport("libc")]
    private static extern int gettid();
}
