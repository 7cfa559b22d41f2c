using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// Runs an elementwise quantizer over a large tensor in flat pieces of <see cref="Size"/> elements, so that its dozen
/// passes and their temporaries stay in the CPU's cache instead of streaming 16 MB buffers through memory each time.
/// Measured on the shared 2-core machine (issue 25, 4 M float32 values): HiF8 and the E4M3 rounding several times
/// faster in pieces than whole; whole-tensor temporaries of 16 MB were also handed back to the OS by glibc when freed
/// together (more than 32 MB free at the top of its heap) and faulted in again on the next call. Smaller pieces
/// (2^16..2^19) were slower here: each op call costs a fixed overhead (thread wake-up) that more pieces multiply.
/// </summary>
internal static class ElementChunks
{
    /// <summary>Elements per piece: 2^20 (4 MB of float32), a multiple of every block size (16, 32).</summary>
    public const long Size = 1 << 20;

    /// <summary>
    /// A new tensor of <paramref name="x"/>'s shape and dtype, computed piece by piece: <paramref name="piece"/> gets
    /// consecutive flat pieces of <paramref name="x"/> (row-major order; 1-D, with the piece's offset into the flattened
    /// input) and the matching 1-D slot of the result, and writes its result there, returning the slot (or a view of
    /// it, which Map disposes): typically it
    /// starts with <c>slot.copy_(part)</c> and an in-place op (a copy and an in-place pass cost less than an allocating
    /// pass and a copy at the end) and works in place on the slot. A tensor of at most <see cref="Size"/> elements is one
    /// piece, and so is a tensor off the CPU (a GPU's elementwise kernels gain nothing from pieces and would pay more
    /// launches): then the slot is null and the piece returns a new contiguous tensor of any shape and the input's length
    /// (one op fewer: what counts on small tensors, where each op's fixed cost dominates).
    /// </summary>
    public static Tensor Map(Tensor x, Func<Tensor, long, Tensor?, Tensor> piece)
    {
        var count = x.numel();
        using var flat = x.reshape(-1);
        if (count <= Size || x.device_type != DeviceType.CPU)
        {
            using var whole = piece(flat, 0, null);
            return whole.reshape(x.shape);
        }

        using var result = empty(count, dtype: x.dtype, device: x.device);
        for (long start = 0; start < count; start += Size)
        {
            var length = Math.Min(Size, count - start);
            using var part = flat.narrow(0, start, length);
            using var slot = result.narrow(0, start, length);
            using var done = piece(part, start, slot); // the slot itself (disposing it twice is harmless)
        }

        return result.reshape(x.shape);
    }
}
