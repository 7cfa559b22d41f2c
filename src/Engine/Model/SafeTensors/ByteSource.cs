using System.IO.MemoryMappedFiles;

namespace QuantScope.Engine.Model.SafeTensors;

/// <summary>Random-access bytes of one safetensors file: a memory-mapped file, or an array (tests, fuzzing).</summary>
internal abstract class ByteSource : IDisposable
{
    public abstract long Length { get; }

    /// <summary>Copies bytes [offset, offset + destination.Length) into <paramref name="destination"/>.</summary>
    public abstract void Read(long offset, Span<byte> destination);

    public virtual void Dispose()
    {
    }
}

/// <summary>Bytes held in memory.</summary>
internal sealed class ArrayByteSource(byte[] bytes) : ByteSource
{
    public override long Length => bytes.LongLength;

    public override void Read(long offset, Span<byte> destination) => bytes.AsSpan(checked((int)offset), destination.Length).CopyTo(destination);
}

/// <summary>A read-only memory map of a file: tensors are paged in on demand, never read whole up front.</summary>
internal sealed class MappedByteSource : ByteSource
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;

    public MappedByteSource(string path, long length)
    {
        Length = length;
        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
    }

    public override long Length { get; }

    public override void Read(long offset, Span<byte> destination)
    {
        // The view's ReadArray takes int counts: copy in chunks so tensors above 2 GB work too.
        const int chunk = 1 << 26;
        var buffer = new byte[Math.Min(chunk, destination.Length)];
        for (var done = 0; done < destination.Length; done += buffer.Length)
        {
            var n = Math.Min(buffer.Length, destination.Length - done);
            _view.ReadArray(offset + done, buffer, 0, n);
            buffer.AsSpan(0, n).CopyTo(destination[done..]);
        }
    }

    public override void Dispose()
    {
        _view.Dispose();
        _map.Dispose();
    }
}
