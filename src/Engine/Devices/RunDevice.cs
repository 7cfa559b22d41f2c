using System.Globalization;
using System.Text.RegularExpressions;
using QuantScope.Engine.Telemetry;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Devices;

/// <summary>
/// The device one run trains on, and the few things the trainer does differently there: batches go over in pinned
/// memory without blocking, step time is taken at the window's end (CUDA ops are asynchronous), memory is read from the
/// driver, and libtorch's out-of-memory error is worded with what was free and what was asked for.
/// </summary>
public sealed partial class RunDevice
{
    private RunDevice(Device device, DeviceInfo info)
    {
        Device = device;
        Info = info;
    }

    /// <summary>The CPU.</summary>
    public static RunDevice Cpu { get; } = new(CPU,
        new DeviceInfo("cpu", $"cpu ({Environment.ProcessorCount} cores)", GC.GetGCMemoryInfo().TotalAvailableMemoryBytes));

    /// <summary>The torch device every tensor of the run is created on.</summary>
    public Device Device { get; }

    /// <summary>What the run's page and summary show.</summary>
    public DeviceInfo Info { get; }

    /// <summary>Whether this is a CUDA device (asynchronous ops, pinned copies, GPU memory).</summary>
    public bool IsCuda => Device.type == DeviceType.CUDA;

    /// <summary>The device <paramref name="setting"/> picks on this build and machine.</summary>
    /// <exception cref="DeviceUnavailableException">It is not here (the validator refuses such configs before a run starts).</exception>
    public static RunDevice Resolve(DeviceSetting setting)
    {
        var choice = DeviceResolver.Choose(setting, setting.Kind == DeviceKind.Cpu ? new CudaInventory(false, 0) : CudaInventory.Current);
        if (choice.Error is not null) throw new DeviceUnavailableException(choice.Error);
        if (choice.CudaIndex is not { } index) return Cpu;
        var gpu = NvmlProbe.TryGet(index);
        return new RunDevice(new Device(DeviceType.CUDA, index), new DeviceInfo(choice.Device!, gpu?.Name ?? choice.Device!, gpu?.TotalBytes));
    }

    /// <summary><paramref name="host"/> on this device (<see cref="HostCopy.ToDevice"/>).</summary>
    public Tensor ToDevice(Tensor host) => HostCopy.ToDevice(host, Device);

    /// <summary>SYNC POINT on CUDA (waits for every queued op); nothing on the CPU, whose ops are synchronous.</summary>
    public void Synchronize()
    {
        if (IsCuda) cuda.synchronize(Device);
    }

    /// <summary>Device memory in use now (all processes, as nvidia-smi shows it), bytes; null on the CPU or without a driver.</summary>
    public long? UsedBytes() =>
        IsCuda && NvmlProbe.TryGet(Device.index) is { TotalBytes: { } total, FreeBytes: { } free } ? total - free : null;

    /// <summary>Device memory free now, bytes; null on the CPU or without a driver.</summary>
    public long? FreeBytes() => IsCuda ? NvmlProbe.TryGet(Device.index)?.FreeBytes : null;

    /// <summary>
    /// libtorch's CUDA out-of-memory error as a <see cref="DeviceOutOfMemoryException"/> naming the device, what was free
    /// and what was asked for; any other exception unchanged.
    /// </summary>
    public Exception Explain(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var message = DescribeOutOfMemory(Info.Device, error.Message, FreeBytes());
        return message is null ? error : new DeviceOutOfMemoryException(message, error);
    }

    /// <summary>"out of GPU memory on cuda:0 (N GiB free, M GiB needed)" for libtorch's OOM text, else null.</summary>
    internal static string? DescribeOutOfMemory(string device, string libtorchMessage, long? freeBytes)
    {
        if (!libtorchMessage.Contains("out of memory", StringComparison.OrdinalIgnoreCase)) return null;
        var asked = TriedToAllocate().Match(libtorchMessage);
        var needed = asked.Success ? Gib(double.Parse(asked.Groups[1].Value, CultureInfo.InvariantCulture), asked.Groups[2].Value) : (double?)null;
        var free = freeBytes is { } f ? f / (double)(1L << 30) : FreeInMessage(libtorchMessage);
        return string.Create(CultureInfo.InvariantCulture,
            $"out of GPU memory on {device} ({(free is { } g ? $"{g:F2} GiB" : "unknown")} free, {(needed is { } n ? $"{n:F2} GiB" : "unknown")} needed): use a smaller batchSize or seqLen, a smaller model, or turn off the twin (baseline)");
    }

    private static double? FreeInMessage(string message) =>
        FreeMemory().Match(message) is { Success: true } m ? Gib(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value) : null;

    private static double Gib(double value, string unit) => unit.ToUpperInvariant() switch
    {
        "KIB" => value / (1 << 20),
        "MIB" => value / 1024,
        "TIB" => value * 1024,
        "B" => value / (1L << 30),
        _ => value,
    };

    [GeneratedRegex(@"Tried to allocate ([0-9.]+) ?(B|KiB|MiB|GiB|TiB)", RegexOptions.IgnoreCase)]
    private static partial Regex TriedToAllocate();

    [GeneratedRegex(@"([0-9.]+) ?(B|KiB|MiB|GiB|TiB) (?:is )?free", RegexOptions.IgnoreCase)]
    private static partial Regex FreeMemory();
}
