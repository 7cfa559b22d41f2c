using System.Runtime.InteropServices;
using System.Text;

namespace QuantScope.Engine.Devices;

/// <summary>
/// Names and memory of CUDA devices from NVML, the driver's management library (what <c>nvidia-smi</c> reads; it
/// comes with every NVIDIA driver). TorchSharp has no query for either. Never throws: without a driver (this CPU
/// machine) every answer is null. CUDA numbers follow <c>CUDA_VISIBLE_DEVICES</c> when it lists device numbers.
/// </summary>
public static class NvmlProbe
{
    private const int Success = 0;
    private static readonly object Gate = new();
    private static bool? _loaded;

    /// <summary>The driver's view of <c>cuda:<paramref name="cudaIndex"/></c>, or null (no driver, no such device).</summary>
    public static GpuInfo? TryGet(int cudaIndex)
    {
        try
        {
            lock (Gate)
            {
                if (!Load()) return null;
                var physical = PhysicalIndex(cudaIndex);
                if (physical is null || nvmlDeviceGetHandleByIndex_v2((uint)physical.Value, out var handle) != Success) return null;
                var name = new byte[96];
                var named = nvmlDeviceGetName(handle, name, (uint)name.Length) == Success;
                var text = named ? Encoding.ASCII.GetString(name).TrimEnd('\0') : $"cuda:{cudaIndex}";
                return nvmlDeviceGetMemoryInfo(handle, out var memory) == Success
                    ? new GpuInfo(cudaIndex, text, (long)memory.Total, (long)memory.Free)
                    : new GpuInfo(cudaIndex, text, null, null);
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return null;
        }
    }

    /// <summary>The NVML index of a CUDA number: the entry of a numeric <c>CUDA_VISIBLE_DEVICES</c>, else the same number.</summary>
    internal static int? PhysicalIndex(int cudaIndex, string? visible = null)
    {
        visible ??= Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES");
        if (string.IsNullOrWhiteSpace(visible)) return cudaIndex;
        var entries = visible.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (!entries.All(e => int.TryParse(e, out _))) return null; // UUIDs: NVML's order is not known here
        return cudaIndex < entries.Length ? int.Parse(entries[cudaIndex]) : null;
    }

    private static bool Load()
    {
        _loaded ??= (NativeLibrary.TryLoad(LibraryName, out _) || NativeLibrary.TryLoad("libnvidia-ml.so.1", out _))
            && nvmlInit_v2() == Success;
        return _loaded.Value;
    }

    private const string LibraryName = "nvidia-ml";

    [StructLayout(LayoutKind.Sequential)]
    private struct Memory
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }

    [DllImport(LibraryName)] private static extern int nvmlInit_v2();
    [DllImport(LibraryName)] private static extern int nvmlDeviceGetHandleByIndex_v2(uint index, out IntPtr device);
    [DllImport(LibraryName)] private static extern int nvmlDeviceGetName(IntPtr device, byte[] name, uint length);
    [DllImport(LibraryName)] private static extern int nvmlDeviceGetMemoryInfo(IntPtr device, out Memory memory);
}
