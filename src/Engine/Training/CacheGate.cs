using System.Collections.Concurrent;

namespace QuantScope.Engine.Training;

/// <summary>
/// One turn at a cached file (a pretraining checkpoint): while one run holds it, others with the same file wait, then
/// find the file written and load it instead of training it again. In one process a semaphore per path orders the
/// runs; across processes that share the folder (two dashboards, a dashboard and a CLI run) an exclusive lock on a
/// <c>.lock</c> file next to it does (an OS advisory lock: <c>flock</c> on Linux and macOS, a share lock on Windows;
/// polled, since no OS call waits on it with a cancellation token). Cluster workers on other machines have folders of
/// their own: each trains its pretraining once.
/// </summary>
internal static class CacheGate
{
    /// <summary>How often a run waiting on another process's lock file tries again.</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>The lock file of a cached file.</summary>
    public static string LockPath(string cachedPath) => Path.ChangeExtension(cachedPath, ".lock");

    /// <summary>Waits for the turn at <paramref name="cachedPath"/> (cancellable); dispose the result to pass it on.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled while waiting.</exception>
    public static IDisposable Enter(string cachedPath, CancellationToken ct)
    {
        var gate = Gates.GetOrAdd(Path.GetFullPath(cachedPath), _ => new SemaphoreSlim(1, 1));
        gate.Wait(ct);
        try
        {
            return new Turn(gate, LockFile(cachedPath, ct));
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    // Null when the folder cannot hold a lock file (read-only): the cache cannot be written there either.
    private static FileStream? LockFile(string cachedPath, CancellationToken ct)
    {
        var path = LockPath(cachedPath);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process holds it (sharing violation): wait and try again. The file is never deleted, so two
                // processes always lock the same one.
                ct.WaitHandle.WaitOne(PollInterval);
                ct.ThrowIfCancellationRequested();
            }
        }
    }

    private sealed class Turn(SemaphoreSlim gate, FileStream? lockFile) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            lockFile?.Dispose();
            gate.Release();
        }
    }
}
