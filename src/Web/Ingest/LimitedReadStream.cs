namespace QuantScope.Web.Ingest;

/// <summary>
/// A read-only view of a request body that throws past a byte limit (<see cref="TooLargeException"/>, or what
/// <paramref name="tooLarge"/> makes), so an oversized body fails before it is parsed into memory (Content-Length may be
/// absent with chunked uploads).
/// </summary>
internal sealed class LimitedReadStream(Stream inner, long limit, Func<long, Exception>? tooLarge = null) : Stream
{
    private long _read;

    /// <summary>The body exceeded the limit.</summary>
    public sealed class TooLargeException(long limit) : IOException($"The body is larger than {limit} bytes.");

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int n)
    {
        _read += n;
        if (_read > limit) throw tooLarge?.Invoke(limit) ?? new TooLargeException(limit);
        return n;
    }
}
