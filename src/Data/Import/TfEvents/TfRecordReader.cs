using System.Buffers.Binary;

namespace QuantScope.Data.Import.TfEvents;

/// <summary>
/// Splits TFRecord framing: each record is uint64 length, uint32 masked CRC-32C of the length bytes, the data, and
/// uint32 masked CRC-32C of the data (all little-endian). A record whose data CRC is wrong is reported and passed
/// over (its length is trusted); a wrong length CRC is reported and the reader scans forward byte by byte for the
/// next valid header; a truncated record at the end is reported. Nothing throws on bad input.
/// </summary>
public static class TfRecordReader
{
    /// <summary>Bytes of the length field plus its CRC.</summary>
    public const int HeaderBytes = 12;

    /// <summary>Bytes of the data CRC that follows the data.</summary>
    public const int FooterBytes = 4;

    /// <summary>Yields (offset, data) of each valid record; <paramref name="skip"/> gets (offset, reason) of each bad one.</summary>
    public static IEnumerable<(long Offset, ReadOnlyMemory<byte> Data)> Read(ReadOnlyMemory<byte> file, Action<long, string> skip)
    {
        long offset = 0;
        while (offset < file.Length)
        {
            var remaining = file.Length - offset;
            if (remaining < HeaderBytes)
            {
                skip(offset, $"truncated record header ({remaining} of {HeaderBytes} bytes)");
                yield break;
            }
            if (!TryHeader(file.Span, offset, out var length))
            {
                skip(offset, "bad length CRC");
                var next = FindNextHeader(file.Span, offset + 1);
                if (next < 0) yield break;
                offset = next;
                continue;
            }
            if (length > (ulong)(remaining - HeaderBytes - FooterBytes) || remaining < HeaderBytes + FooterBytes)
            {
                skip(offset, $"truncated record (length {length}, {remaining - HeaderBytes} bytes left)");
                yield break;
            }

            var data = file.Slice((int)offset + HeaderBytes, (int)length);
            var storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(file.Span[((int)offset + HeaderBytes + (int)length)..]);
            if (Crc32C.Masked(data.Span) != storedCrc) skip(offset, "bad data CRC");
            else yield return (offset, data);
            offset += HeaderBytes + (long)length + FooterBytes;
        }
    }

    /// <summary>True when the 12 bytes at <paramref name="offset"/> are a length whose masked CRC matches.</summary>
    public static bool TryHeader(ReadOnlySpan<byte> file, long offset, out ulong length)
    {
        length = 0;
        if (offset < 0 || file.Length - offset < HeaderBytes) return false;
        var header = file.Slice((int)offset, HeaderBytes);
        length = BinaryPrimitives.ReadUInt64LittleEndian(header);
        return Crc32C.Masked(header[..8]) == BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
    }

    private static long FindNextHeader(ReadOnlySpan<byte> file, long from)
    {
        for (var offset = from; offset <= file.Length - HeaderBytes; offset++)
        {
            if (TryHeader(file, offset, out var length) && length <= (ulong)(file.Length - offset)) return offset;
        }
        return -1;
    }
}
