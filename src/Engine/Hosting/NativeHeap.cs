using System.Runtime.InteropServices;

namespace QuantScope.Engine.Hosting;

/// <summary>
/// How the C library's allocator hands libtorch's CPU tensors back. glibc serves blocks above its mmap threshold with
/// a fresh mapping and returns them to the system when freed, and trims the heap top once more than its trim
/// threshold is free; a quantizer that frees a handful of 16 MB temporaries per call then faults every page of the
/// next call's temporaries back in (measured: one HiF8 quantize of 4 M values 372 ms with glibc's defaults, 49 ms with
/// freed memory kept). <see cref="Apply"/> keeps freed blocks up to 32 MB (glibc's largest mmap threshold) in the
/// process for reuse and stops trimming, the way PyTorch users swap in jemalloc or tcmalloc. The cost is memory that
/// stays mapped after a peak (the training step's peak repeats every step). A setting the user made
/// (<c>MALLOC_MMAP_THRESHOLD_</c>, <c>MALLOC_TRIM_THRESHOLD_</c>) is left as it is; other C libraries are left alone.
/// </summary>
public static class NativeHeap
{
    /// <summary>Largest block kept out of mmap: glibc's maximum threshold on 64-bit (4 M × sizeof(long)).</summary>
    public const int MmapThreshold = 32 << 20;

    /// <summary>Free memory at the heap top that triggers a trim: effectively never.</summary>
    public const int TrimThreshold = int.MaxValue;

    private const int MallocTrimThreshold = -1, MallocMmapThreshold = -3; // glibc's mallopt parameter numbers

    /// <summary>
    /// Raises glibc's mmap and trim thresholds (see type docs) unless the user set either in the environment or the
    /// C library is not glibc. Returns what is in force afterwards, for logs and the bench.
    /// </summary>
    public static string Apply()
    {
        var userMmap = Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_");
        var userTrim = Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_");
        if (userMmap is not null || userTrim is not null)
            return $"glibc thresholds from the environment (mmap {userMmap ?? "default"}, trim {userTrim ?? "default"})";
        if (!OperatingSystem.IsLinux()) return "allocator defaults (not Linux)";
        try
        {
            var mmap = mallopt(MallocMmapThreshold, MmapThreshold);
            var trim = mallopt(MallocTrimThreshold, TrimThreshold);
            return mmap == 1 && trim == 1
                ? $"glibc keeps freed blocks up to {MmapThreshold >> 20} MB (mmap threshold), no trim"
                : "allocator defaults (mallopt refused the thresholds)";
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return "allocator defaults (no glibc mallopt)";
        }
    }

    [DllImport("libc")]
    private static extern int mallopt(int param, int value);
}
