namespace QuantScope.Data.Import.TfEvents;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), table-driven, and TFRecord's masked form of it.
/// Check value: CRC-32C("123456789") = 0xE3069283.
/// </summary>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78; // 0x1EDC6F41 bit-reversed
    private const uint MaskDelta = 0xa282ead8;

    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    /// <summary>TFRecord's mask: rotate right by 15 bits, then add 0xa282ead8 (so CRCs of CRCs stay distinct).</summary>
    public static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + MaskDelta);

    /// <summary><see cref="Mask"/> of <see cref="Compute"/>.</summary>
    public static uint Masked(ReadOnlySpan<byte> data) => Mask(Compute(data));

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var crc = i;
            for (var bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ Polynomial : crc >> 1;
            table[i] = crc;
        }
        return table;
    }
}
