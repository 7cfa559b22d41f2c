using static TorchSharp.torch;

namespace QuantScope.Engine.Training;

/// <summary>
/// The building blocks of a resume-state file (little-endian <see cref="BinaryWriter"/> primitives): counted float
/// arrays and tensors written as name-free (dtype, rank, dims, raw bytes) records that load back bit for bit.
/// </summary>
internal static class ResumeFormat
{
    /// <summary>Largest count any section may claim; a larger one means the file is corrupt (not a real size).</summary>
    public const int MaxCount = 1 << 28;

    public static void WriteFloats(BinaryWriter writer, float[] values)
    {
        writer.Write(values.Length);
        foreach (var v in values) writer.Write(v);
    }

    public static float[] ReadFloats(BinaryReader reader)
    {
        var values = new float[ReadCount(reader, "float array")];
        for (var i = 0; i < values.Length; i++) values[i] = reader.ReadSingle();
        return values;
    }

    /// <exception cref="InvalidDataException">A negative or impossible count.</exception>
    public static int ReadCount(BinaryReader reader, string what)
    {
        var count = reader.ReadInt32();
        if (count is < 0 or > MaxCount) throw new InvalidDataException($"{what}: count {count} is not possible");
        return count;
    }

    /// <summary>Writes dtype, shape and the raw bytes of <paramref name="t"/> (one device->host copy).</summary>
    public static void WriteTensor(BinaryWriter writer, Tensor t)
    {
        using var scope = NewDisposeScope();
        var host = t.detach().cpu().contiguous();
        writer.Write((int)host.dtype);
        writer.Write(host.shape.Length);
        foreach (var d in host.shape) writer.Write(d);
        var bytes = host.bytes;
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    /// <summary>Reads a tensor record into <paramref name="target"/> (same dtype and shape), without autograd.</summary>
    /// <exception cref="InvalidDataException">The record's dtype or shape differs from the target's.</exception>
    public static void ReadTensorInto(BinaryReader reader, Tensor target)
    {
        var (dtype, shape, bytes) = ReadRecord(reader);
        if (dtype != target.dtype || !shape.SequenceEqual(target.shape))
            throw new InvalidDataException($"holds {dtype} [{string.Join(", ", shape)}]; the model has {target.dtype} [{string.Join(", ", target.shape)}]");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var source = empty(shape, dtype);
        source.bytes = bytes;
        target.copy_(source);
    }

    /// <summary>Reads a tensor record as a new CPU tensor (generator states).</summary>
    public static Tensor ReadTensor(BinaryReader reader)
    {
        var (dtype, shape, bytes) = ReadRecord(reader);
        var t = empty(shape, dtype);
        t.bytes = bytes;
        return t;
    }

    private static (ScalarType Dtype, long[] Shape, byte[] Bytes) ReadRecord(BinaryReader reader)
    {
        var dtype = (ScalarType)reader.ReadInt32();
        var rank = reader.ReadInt32();
        if (rank is < 0 or > 8) throw new InvalidDataException($"a tensor of rank {rank} is not possible");
        var shape = new long[rank];
        for (var d = 0; d < rank; d++) shape[d] = reader.ReadInt64();
        var length = ReadCount(reader, "tensor bytes");
        var bytes = reader.ReadBytes(length);
        if (bytes.Length != length) throw new EndOfStreamException("the file ends inside a tensor");
        if (shape.Any(d => d < 0) || shape.Aggregate(1L, (a, d) => a * d) * ElementSize(dtype) != length)
            throw new InvalidDataException($"a tensor record's {length} bytes do not fit {dtype} [{string.Join(", ", shape)}]");
        return (dtype, shape, bytes);
    }

    private static int ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 => 8,
        _ => throw new InvalidDataException($"dtype {dtype} is not used in resume states"),
    };
}
