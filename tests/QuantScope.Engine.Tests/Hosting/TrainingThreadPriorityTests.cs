using System.Globalization;
using QuantScope.Engine.Hosting;

namespace QuantScope.Engine.Tests.Hosting;

public sealed class TrainingThreadPriorityTests
{
    [Fact]
    public void Lower_OnAThread_RaisesItsNiceAndThreadsItStartsInheritIt()
    {
        Assert.True(OperatingSystem.IsLinux(), "the thread priority is checked through /proc (Linux)");
        var callerBefore = NiceFromProc(ThreadId());
        int before = 0, after = 0, child = 0;
        var ok = false;
        var thread = new Thread(() =>
        {
            before = NiceFromProc(ThreadId());
            ok = TrainingThreadPriority.Lower(7);
            after = NiceFromProc(ThreadId());
            var inner = new Thread(() => child = NiceFromProc(ThreadId())); // like libtorch's worker threads
            inner.Start();
            inner.Join();
        });
        thread.Start();
        thread.Join();

        Assert.True(ok);
        Assert.Equal(Math.Min(19, before + 7), after);
        Assert.Equal(after, child);
        Assert.Equal(callerBefore, NiceFromProc(ThreadId())); // the caller's own thread is untouched
    }

    [Fact]
    public void Lower_Zero_LeavesThePriority()
    {
        var (before, after) = (0, 0);
        var thread = new Thread(() =>
        {
            before = NiceFromProc(ThreadId());
            Assert.True(TrainingThreadPriority.Lower(0));
            after = NiceFromProc(ThreadId());
        });
        thread.Start();
        thread.Join();

        Assert.Equal(before, after);
    }

    private static int ThreadId() => int.Parse(
        File.ReadAllText("/proc/thread-self/stat").Split(' ')[0], CultureInfo.InvariantCulture);

    private static int NiceFromProc(int tid) => NiceOf($"/proc/self/task/{tid}");

    // /proc/<tid>/stat: "tid (comm) state ppid ..."; nice is field 19, the 17th after the closing parenthesis.
    private static int NiceOf(string taskFolder)
    {
        var stat = File.ReadAllText(Path.Combine(taskFolder, "stat"));
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], CultureInfo.InvariantCulture);
    }
}
